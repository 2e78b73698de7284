package io.sipwake.sip.testing;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;

/**
 * NIST JAIN-SIP 1.3.0-91 as an independent judge of the messages sipwake writes: it parses the
 * bytes with its own grammar ({@link StringMsgParser}, strict, every header parsed, a parse error
 * in any header fails) and then makes the checks its stack makes before it accepts a message
 * (the mandatory headers of RFC 3261 §8.1.1 and a Content-Length that matches the body).
 *
 * <p>Use it on what sipwake sends: {@code JainSipOracle.assertAccepts(message.toBytes())}.
 * Available to other modules through the sipwake-sip test-jar.
 */
public final class JainSipOracle {
    private static final ParseExceptionListener RETHROW = (ex, message, headerClass, headerText, messageText) -> {
        throw ex;
    };

    private JainSipOracle() {}

    /** Fails with JAIN-SIP's own error (and the message text) unless JAIN-SIP accepts {@code message}. */
    public static void assertAccepts(byte[] message) {
        try {
            parse(message);
        } catch (ParseException e) {
            throw new AssertionError("JAIN-SIP rejects the message: " + e.getMessage()
                    + (e.getErrorOffset() > 0 ? " (at offset " + e.getErrorOffset() + ")" : "")
                    + "\n--- message ---\n" + printable(message), e);
        }
    }

    /** True when JAIN-SIP accepts {@code message}. */
    public static boolean accepts(byte[] message) {
        try {
            parse(message);
            return true;
        } catch (ParseException e) {
            return false;
        }
    }

    /**
     * Parses {@code message} as JAIN-SIP would on receipt, throwing its {@link ParseException} (or
     * one describing the missing header or the Content-Length mismatch) when it would not accept it.
     */
    public static SIPMessage parse(byte[] message) throws ParseException {
        SIPMessage m;
        try {
            m = new StringMsgParser().parseSIPMessage(message, true, true, RETHROW);
        } catch (RuntimeException e) {
            // JAIN-SIP signals some grammar errors with unchecked exceptions
            ParseException pe = new ParseException(String.valueOf(e), 0);
            pe.initCause(e);
            throw pe;
        }
        if (m == null) throw new ParseException("no message", 0);
        if (m.getFrom() == null) throw new ParseException("missing From", 0);
        if (m.getTo() == null) throw new ParseException("missing To", 0);
        if (m.getCallId() == null) throw new ParseException("missing Call-ID", 0);
        if (m.getCSeq() == null) throw new ParseException("missing CSeq", 0);
        if (m.getViaHeaders() == null || m.getViaHeaders().isEmpty()) throw new ParseException("missing Via", 0);
        if (m instanceof SIPRequest r && r.getRequestLine() == null) throw new ParseException("missing Request-Line", 0);
        int bodyLength = m.getRawContent() == null ? 0 : m.getRawContent().length;
        if (m.getContentLength() == null) throw new ParseException("missing Content-Length", 0);
        if (m.getContentLength().getContentLength() != bodyLength) {
            throw new ParseException("Content-Length " + m.getContentLength().getContentLength() + " but body of " + bodyLength, 0);
        }
        return m;
    }

    private static String printable(byte[] message) {
        String s = new String(message, StandardCharsets.ISO_8859_1);
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length() && i < 4000; i++) {
            char c = s.charAt(i);
            if (c == '\r') continue;
            sb.append(c == '\n' || (c >= ' ' && c < 127) ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return sb.toString();
    }
}

package io.sipwake.sip.parser;

import io.sipwake.sip.message.SipRequest;

/**
 * A message that could not be accepted. When {@link #partialRequest()} is not null the input was a
 * request parsed far enough to be answered with {@link #status()} and {@link #getMessage()} as
 * reason phrase (RFC 3261 §16.3, §21.4.1); otherwise it must be dropped.
 */
public final class SipParseException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient SipRequest partial;

    public SipParseException(int status, String reason, SipRequest partial) {
        super(reasonPhrase(reason), null, false, false);
        this.status = status;
        this.partial = partial;
    }

    /**
     * The reason quotes the input: make it fit a Reason-Phrase (RFC 3261 §25.1) that cannot break
     * the status line, printable ASCII only (other octets become '?'), at most 200 characters.
     */
    private static String reasonPhrase(String reason) {
        if (reason == null || reason.isEmpty()) return "Bad Request";
        int n = Math.min(reason.length(), 200);
        StringBuilder sb = null;
        for (int i = 0; i < n; i++) {
            char c = reason.charAt(i);
            if (c < ' ' || c > '~') {
                if (sb == null) sb = new StringBuilder(n).append(reason, 0, i);
                sb.append('?');
            } else if (sb != null) {
                sb.append(c);
            }
        }
        if (sb != null) return sb.toString();
        return n == reason.length() ? reason : reason.substring(0, n);
    }

    /** The response code to answer with: 400, 505 or 513. */
    public int status() {
        return status;
    }

    /** What was parsed of the request (headers as written), or null when the input cannot be answered. */
    public SipRequest partialRequest() {
        return partial;
    }

    /**
     * True when the input was a request with a Via header, so that an error response can be built
     * from what was parsed (header values are copied as written) and sent back where the request
     * came from. RFC 4475 wants a 400 even for requests without Call-ID, From or To (§3.3.1) or with
     * a mangled Via (§3.1.2.1); responses, and bytes that have no Via to answer along, are dropped.
     */
    public boolean isAnswerable() {
        return partial != null && !partial.method().equals("UNKNOWN") && partial.header("Via") != null;
    }
}

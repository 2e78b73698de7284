package io.sipwake.sip.parser;

import io.sipwake.sip.message.CSeq;
import io.sipwake.sip.message.Header;
import io.sipwake.sip.message.HeaderNames;
import io.sipwake.sip.message.Lexer;
import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.message.SipSyntaxException;
import io.sipwake.sip.message.Uri;
import io.sipwake.sip.message.Via;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses SIP messages (RFC 3261 §7, §25) from bytes.
 *
 * <p>The parser is strict where leniency would be unsafe for a proxy (start line, the headers a
 * proxy routes by, framing) and keeps every other header as written. It never throws anything
 * but {@link SipParseException}: every malformed input becomes either an answerable error (a
 * request with enough parsed to build a 400) or a drop.
 *
 * <p>Thread-safe and stateless apart from its limits.
 */
public final class SipParser {
    private final ParseLimits limits;

    public SipParser(ParseLimits limits) {
        this.limits = limits;
    }

    public SipParser() {
        this(ParseLimits.DEFAULT);
    }

    public ParseLimits limits() {
        return limits;
    }

    /** Parses one UDP datagram (or WebSocket message): the body ends at Content-Length, or at the end of the data without one. */
    public SipMessage parseDatagram(byte[] data, int offset, int length) throws SipParseException {
        return parse(data, offset, length, true);
    }

    /** Parses one message already framed from a stream by {@link StreamFramer}. */
    public SipMessage parseFramed(byte[] data, int offset, int length) throws SipParseException {
        return parse(data, offset, length, false);
    }

    public SipMessage parse(byte[] data) throws SipParseException {
        return parseDatagram(data, 0, data.length);
    }

    private SipMessage parse(byte[] data, int offset, int length, boolean datagram) throws SipParseException {
        try {
            return parseUnchecked(data, offset, length, datagram);
        } catch (SipParseException e) {
            throw e;
        } catch (RuntimeException e) {
            // Defence in depth: a grammar corner we did not foresee must not escape as an exception.
            throw new SipParseException(0, "unparseable message: " + e, null);
        }
    }

    private SipMessage parseUnchecked(byte[] data, int offset, int length, boolean datagram) throws SipParseException {
        int end = offset + length;
        int start = offset;
        while (start < end && (data[start] == '\r' || data[start] == '\n')) start++; // RFC 3261 §7.5
        if (start >= end) throw new SipParseException(0, "empty message", null);

        int bodyStart = findBodyStart(data, start, Math.min(end, start + limits.maxHeaderBytes() + 4));
        int headerEnd;
        if (bodyStart < 0) {
            if (end - start > limits.maxHeaderBytes()) {
                throw new SipParseException(0, "header section larger than " + limits.maxHeaderBytes() + " bytes", null);
            }
            if (!datagram) throw new SipParseException(0, "no empty line after the headers", null);
            headerEnd = end; // tolerate a datagram that ends right after its last header line
            bodyStart = end;
        } else {
            headerEnd = bodyStart;
            while (headerEnd > start && (data[headerEnd - 1] == '\n' || data[headerEnd - 1] == '\r')) headerEnd--;
        }

        String head = new String(data, start, headerEnd - start, StandardCharsets.ISO_8859_1);
        int firstLf = head.indexOf('\n');
        int startLineEnd = firstLf < 0 ? head.length() : firstLf;
        if (startLineEnd > 0 && head.charAt(startLineEnd - 1) == '\r') startLineEnd--;
        if (startLineEnd > limits.maxLineBytes()) {
            throw new SipParseException(0, "start line longer than " + limits.maxLineBytes() + " bytes", null);
        }
        String startLine = head.substring(0, startLineEnd);
        boolean response = startLine.regionMatches(true, 0, "SIP/", 0, 4); // SIP-Version is case-insensitive (§7.1)

        // Header lines that break the grammar or the limits are left out and the first such
        // problem remembered, so that a request can still be answered with a 400 naming it.
        HeaderSection section = parseHeaders(head, firstLf < 0 ? head.length() : firstLf + 1);

        if (response) {
            if (end - start > limits.maxMessageBytes()) {
                throw new SipParseException(0, "message larger than " + limits.maxMessageBytes() + " bytes", null);
            }
            if (section.error != null) throw new SipParseException(0, section.error, null);
            SipResponse r = parseStatusLine(startLine, section.headers);
            validateCommon(r, null);
            r.setBody(body(data, bodyStart, end, r, datagram, null));
            return r;
        }

        // From here on the input is a request; keep what we have so that errors can be answered.
        String method = firstToken(startLine);
        SipRequest partial = new SipRequest(method == null ? "UNKNOWN" : method, null, section.headers);
        if (end - start > limits.maxMessageBytes()) {
            throw new SipParseException(513, "Message Too Large", partial);
        }
        SipRequest request = parseRequestLine(startLine, section.headers, partial);
        if (section.error != null) throw new SipParseException(400, section.error, partial);
        validateCommon(request, partial);
        validateRequest(request, partial);
        request.setBody(body(data, bodyStart, end, request, datagram, partial));
        return request;
    }

    /** The header lines that could be parsed, and the first problem met, or null. */
    private record HeaderSection(List<Header> headers, String error) {}

    /**
     * Splits and unfolds the header lines of {@code head} from {@code from} on (RFC 3261 §7.3.1).
     * A line longer than {@link ParseLimits#maxLineBytes()}, a line without a header name and the
     * lines past {@link ParseLimits#maxHeaderLines()} are not kept.
     */
    private HeaderSection parseHeaders(String head, int from) {
        List<Header> headers = new ArrayList<>(16);
        String error = null;
        String name = null;      // header being read, null when none (or when skipping a rejected one)
        int valueStart = 0;      // its first line's value, trimmed, as head[valueStart, valueEnd)
        int valueEnd = 0;
        StringBuilder folded = null; // its value once a continuation line was met
        boolean skipping = false; // inside a header whose first line was rejected
        int lineCount = 0;
        int n = head.length();
        int i = from;
        while (i < n) {
            int lf = head.indexOf('\n', i);
            int e = lf < 0 ? n : lf;
            int lineEnd = e > i && head.charAt(e - 1) == '\r' ? e - 1 : e;
            int lineStart = i;
            i = lf < 0 ? n : lf + 1;
            if (lineEnd == lineStart) continue;
            char c0 = head.charAt(lineStart);
            boolean continuation = c0 == ' ' || c0 == '\t';
            if (++lineCount > limits.maxHeaderLines()) {
                if (error == null) error = "more than " + limits.maxHeaderLines() + " header lines";
                break;
            }
            if (lineEnd - lineStart > limits.maxLineBytes()) {
                if (error == null) error = "header line longer than " + limits.maxLineBytes() + " bytes";
                // the header this line starts or continues is left out whole
                if (!continuation && name != null) headers.add(header(name, head, valueStart, valueEnd, folded));
                name = null;
                skipping = true;
                continue;
            }
            if (continuation) { // folded continuation (RFC 3261 §7.3.1): joined with a single SP
                if (skipping) continue;
                if (name == null) {
                    if (error == null) error = "continuation line before the first header";
                    continue;
                }
                int a = lineStart;
                int b = lineEnd;
                while (a < b && head.charAt(a) <= ' ') a++;
                while (b > a && head.charAt(b - 1) <= ' ') b--;
                if (a == b) continue;
                if (folded == null) folded = new StringBuilder(64 + lineEnd - valueStart).append(head, valueStart, valueEnd);
                if (folded.length() > 0) folded.append(' ');
                folded.append(head, a, b);
                continue;
            }
            if (name != null) headers.add(header(name, head, valueStart, valueEnd, folded));
            name = null;
            folded = null;
            skipping = false;
            int colon = lineStart;
            while (colon < lineEnd && head.charAt(colon) != ':') colon++;
            int nameEnd = colon;
            while (nameEnd > lineStart && head.charAt(nameEnd - 1) <= ' ') nameEnd--;
            String rawName = colon == lineEnd ? null : head.substring(lineStart, nameEnd);
            if (rawName == null || !Lexer.isToken(rawName)) {
                if (error == null) {
                    error = rawName == null || rawName.isEmpty()
                            ? "malformed header line '" + excerpt(head.substring(lineStart, lineEnd)) + "'"
                            : "malformed header name '" + excerpt(rawName) + "'";
                }
                skipping = true;
                continue;
            }
            name = HeaderNames.canonical(rawName);
            valueStart = colon + 1;
            valueEnd = lineEnd;
            while (valueStart < valueEnd && head.charAt(valueStart) <= ' ') valueStart++;
            while (valueEnd > valueStart && head.charAt(valueEnd - 1) <= ' ') valueEnd--;
        }
        if (name != null) headers.add(header(name, head, valueStart, valueEnd, folded));
        return new HeaderSection(headers, error);
    }

    private static Header header(String name, String head, int valueStart, int valueEnd, StringBuilder folded) {
        return new Header(name, folded == null ? head.substring(valueStart, valueEnd) : folded.toString());
    }

    private static String firstToken(String line) {
        int sp = line.indexOf(' ');
        String t = sp < 0 ? line : line.substring(0, sp);
        return Lexer.isToken(t) ? t : null;
    }

    /**
     * Index of the first body byte: just past the empty line that ends the headers (CRLF CRLF, or
     * bare LF line ends, which are tolerated), or -1 when {@code data[from, to)} holds no empty line.
     */
    static int findBodyStart(byte[] data, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data[i] != '\n') continue;
            if (i + 1 < to && data[i + 1] == '\n') return i + 2;
            if (i + 2 < to && data[i + 1] == '\r' && data[i + 2] == '\n') return i + 3;
        }
        return -1;
    }

    private static SipResponse parseStatusLine(String line, List<Header> headers) throws SipParseException {
        // SIP/2.0 SP Status-Code SP Reason-Phrase; the reason may be empty (RFC 4475 noreason)
        if (!line.regionMatches(true, 0, "SIP/2.0 ", 0, 8)) throw new SipParseException(0, "bad status line version", null);
        int sp = line.indexOf(' ', 8);
        String code = sp < 0 ? line.substring(8) : line.substring(8, sp);
        if (code.length() != 3 || !Character.isDigit(code.charAt(0)) || !Character.isDigit(code.charAt(1)) || !Character.isDigit(code.charAt(2))) {
            throw new SipParseException(0, "bad status code '" + excerpt(code) + "'", null);
        }
        int status = Integer.parseInt(code);
        if (status < 100 || status > 699) throw new SipParseException(0, "status code out of range: " + status, null);
        String reason = sp < 0 ? "" : line.substring(sp + 1);
        return new SipResponse(status, reason, headers);
    }

    private static SipRequest parseRequestLine(String line, List<Header> headers, SipRequest partial) throws SipParseException {
        String[] parts = line.split(" ", -1);
        if (parts.length != 3) {
            throw new SipParseException(400, "malformed Request-Line (expected METHOD SP Request-URI SP SIP/2.0)", partial);
        }
        String method = parts[0];
        if (!Lexer.isToken(method)) throw new SipParseException(400, "malformed method", partial);
        String version = parts[2];
        if (!version.equalsIgnoreCase("SIP/2.0")) {
            if (version.regionMatches(true, 0, "SIP/", 0, 4)) throw new SipParseException(505, "Version Not Supported", partial);
            throw new SipParseException(400, "malformed SIP version", partial);
        }
        Uri uri;
        try {
            uri = Uri.parse(parts[1]);
        } catch (SipSyntaxException e) {
            throw new SipParseException(400, "bad Request-URI: " + e.getMessage(), partial);
        }
        if (uri instanceof io.sipwake.sip.message.SipUri s && s.headers() != null) {
            // RFC 3261 §19.1.5: headers are not allowed in a Request-URI; never apply or forward them
            throw new SipParseException(400, "headers not allowed in Request-URI", partial);
        }
        return new SipRequest(method, uri, headers);
    }

    private static void validateCommon(SipMessage m, SipRequest partial) throws SipParseException {
        int status = partial == null ? 0 : 400;
        for (String name : new String[] {HeaderNames.CALL_ID, HeaderNames.FROM, HeaderNames.TO, HeaderNames.CSEQ, HeaderNames.VIA}) {
            if (m.header(name) == null) throw new SipParseException(status, "missing " + name + " header", partial);
        }
        for (String name : new String[] {HeaderNames.CALL_ID, HeaderNames.FROM, HeaderNames.TO, HeaderNames.CSEQ, HeaderNames.MAX_FORWARDS}) {
            if (m.headerCount(name) > 1) throw new SipParseException(status, "more than one " + name + " header", partial);
        }
        String callId = m.callId();
        if (callId.isEmpty() || callId.indexOf(' ') >= 0 || callId.indexOf('\t') >= 0) {
            throw new SipParseException(status, "malformed Call-ID", partial);
        }
        try {
            List<Via> vias = m.vias();
            if (vias.isEmpty()) throw new SipParseException(status, "missing Via header", partial);
            Via top = vias.get(0);
            if (!top.version().equals("2.0")) {
                throw new SipParseException(partial == null ? 0 : 505, "Version Not Supported", partial);
            }
            if (Via.MAGIC_COOKIE.equals(top.branch())) {
                throw new SipParseException(status, "Via branch is only the magic cookie", partial);
            }
        } catch (SipSyntaxException e) {
            throw new SipParseException(status, "bad Via: " + e.getMessage(), partial);
        }
        parseHeader(m::from, "From", status, partial);
        parseHeader(m::to, "To", status, partial);
        // tag-param = "tag" EQUAL token (§25.1): a valueless ;tag would make "has a tag" ambiguous
        if (m.from().params().has("tag") && m.from().tag() == null) throw new SipParseException(status, "From tag without value", partial);
        if (m.to().params().has("tag") && m.to().tag() == null) throw new SipParseException(status, "To tag without value", partial);
        parseHeader(m::cseq, "CSeq", status, partial);
        parseHeader(m::maxForwards, "Max-Forwards", status, partial);
        parseHeader(m::contacts, "Contact", status, partial);
    }

    private static void validateRequest(SipRequest r, SipRequest partial) throws SipParseException {
        CSeq cseq = r.cseq();
        if (!cseq.method().equals(r.method())) {
            throw new SipParseException(400, "CSeq method " + cseq.method() + " does not match " + r.method(), partial);
        }
        parseHeader(r::routes, "Route", 400, partial);
        parseHeader(r::recordRoutes, "Record-Route", 400, partial);
        parseHeader(r::expires, "Expires", 400, partial);
    }

    private interface Check {
        Object run();
    }

    private static void parseHeader(Check check, String name, int status, SipRequest partial) throws SipParseException {
        try {
            check.run();
        } catch (SipSyntaxException e) {
            throw new SipParseException(status, "bad " + name + ": " + e.getMessage(), partial);
        }
    }

    private static byte[] body(byte[] data, int bodyStart, int end, SipMessage m, boolean datagram, SipRequest partial)
            throws SipParseException {
        int status = partial == null ? 0 : 400;
        List<String> lengths = m.headerValues(HeaderNames.CONTENT_LENGTH);
        int available = Math.max(0, end - bodyStart);
        if (lengths.isEmpty()) {
            // RFC 3261 §18.3: without Content-Length a datagram's body is the rest of the datagram
            return datagram ? Arrays.copyOfRange(data, bodyStart, bodyStart + available) : new byte[0];
        }
        long length = -1;
        for (String v : lengths) {
            long l;
            try {
                l = SipMessage.parseDeltaSeconds(v.trim(), HeaderNames.CONTENT_LENGTH);
            } catch (SipSyntaxException e) {
                throw new SipParseException(status, "bad Content-Length '" + excerpt(v) + "'", partial);
            }
            if (length >= 0 && l != length) throw new SipParseException(status, "conflicting Content-Length headers", partial);
            length = l;
        }
        if (length > available) {
            throw new SipParseException(status, "Content-Length " + length + " exceeds the " + available + " body bytes received", partial);
        }
        return Arrays.copyOfRange(data, bodyStart, bodyStart + (int) length);
    }

    private static String excerpt(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 40; i++) {
            char c = s.charAt(i);
            sb.append(c < ' ' || c > '~' ? '?' : c);
        }
        return s.length() > 40 ? sb + "..." : sb.toString();
    }
}

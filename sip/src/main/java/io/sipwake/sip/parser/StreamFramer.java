package io.sipwake.sip.parser;

/**
 * Finds message boundaries in a byte stream (TCP, TLS) by the empty line and Content-Length
 * (RFC 3261 §18.3), and recognises the CRLF keep-alives of RFC 5626 §4.4.1 between messages.
 *
 * <p>Stateless and thread-safe: the caller keeps the buffer and calls {@link #frame} again when
 * more bytes arrive.
 */
public final class StreamFramer {
    /** Outcome of one framing attempt. */
    public sealed interface Frame {
        /** {@code length} bytes of CR/LF between messages; a double CRLF is a ping to answer with a single CRLF. */
        record KeepAlive(int length, boolean ping) implements Frame {}

        /** One whole message of {@code length} bytes starts at the offset given. */
        record Message(int length) implements Frame {}

        /** Not enough bytes yet. */
        record NeedMore() implements Frame {}

        /** The stream cannot be framed any further: close the connection after answering if possible. */
        record Invalid(String reason) implements Frame {}
    }

    private static final Frame NEED_MORE = new Frame.NeedMore();

    private final ParseLimits limits;

    public StreamFramer(ParseLimits limits) {
        this.limits = limits;
    }

    public Frame frame(byte[] buf, int offset, int length) {
        int end = offset + length;
        if (length == 0) return NEED_MORE;
        if (buf[offset] == '\r' || buf[offset] == '\n') {
            int i = offset;
            while (i < end && (buf[i] == '\r' || buf[i] == '\n')) i++;
            int n = i - offset;
            if (i == end && n < 4 && isPrefixOfPing(buf, offset, n)) return NEED_MORE;
            boolean ping = n >= 4 && buf[offset] == '\r' && buf[offset + 1] == '\n' && buf[offset + 2] == '\r' && buf[offset + 3] == '\n';
            return new Frame.KeepAlive(ping ? 4 : n, ping);
        }
        int searchEnd = Math.min(end, offset + limits.maxHeaderBytes() + 4);
        int bodyStart = SipParser.findBodyStart(buf, offset, searchEnd);
        if (bodyStart < 0) {
            // Refuse only once the whole window the empty line may end in has been searched: the
            // outcome must not depend on how the bytes were segmented (a header section that is
            // accepted whole is never refused while it is still arriving).
            if (end - offset >= limits.maxHeaderBytes() + 4) {
                return new Frame.Invalid("header section larger than " + limits.maxHeaderBytes() + " bytes");
            }
            return NEED_MORE;
        }
        long contentLength;
        try {
            contentLength = contentLength(buf, offset, bodyStart);
        } catch (IllegalArgumentException e) {
            return new Frame.Invalid(e.getMessage());
        }
        long total = (bodyStart - offset) + contentLength;
        if (total > limits.maxMessageBytes()) return new Frame.Invalid("message of " + total + " bytes is too large");
        if (end - offset < total) return NEED_MORE;
        return new Frame.Message((int) total);
    }

    private static boolean isPrefixOfPing(byte[] buf, int offset, int n) {
        byte[] ping = {'\r', '\n', '\r', '\n'};
        for (int i = 0; i < n; i++) {
            if (buf[offset + i] != ping[i]) return false;
        }
        return true;
    }

    /** The Content-Length of the header section in {@code buf[from, to)}; 0 when absent (§18.3 makes it mandatory on streams). */
    static long contentLength(byte[] buf, int from, int to) {
        long found = -1;
        int lineStart = from;
        for (int i = from; i < to; i++) {
            if (buf[i] != '\n') continue;
            long v = contentLengthOfLine(buf, lineStart, i);
            if (v >= 0) {
                if (found >= 0 && found != v) throw new IllegalArgumentException("conflicting Content-Length headers");
                found = v;
            }
            lineStart = i + 1;
        }
        return Math.max(found, 0);
    }

    private static long contentLengthOfLine(byte[] buf, int start, int end) {
        int i = start;
        int nameEnd = -1;
        while (i < end && buf[i] != ':') i++;
        if (i >= end) return -1;
        nameEnd = i;
        while (nameEnd > start && (buf[nameEnd - 1] == ' ' || buf[nameEnd - 1] == '\t')) nameEnd--;
        int nameLength = nameEnd - start;
        boolean isCl = (nameLength == 1 && (buf[start] | 0x20) == 'l') || (nameLength == 14 && equalsIgnoreCase(buf, start, "content-length"));
        if (!isCl) return -1;
        i++;
        while (i < end && (buf[i] == ' ' || buf[i] == '\t')) i++;
        int digitsEnd = end;
        while (digitsEnd > i && (buf[digitsEnd - 1] == '\r' || buf[digitsEnd - 1] == ' ' || buf[digitsEnd - 1] == '\t')) digitsEnd--;
        if (digitsEnd == i || digitsEnd - i > 9) throw new IllegalArgumentException("bad Content-Length");
        long v = 0;
        for (int k = i; k < digitsEnd; k++) {
            if (buf[k] < '0' || buf[k] > '9') throw new IllegalArgumentException("bad Content-Length");
            v = v * 10 + (buf[k] - '0');
        }
        return v;
    }

    private static boolean equalsIgnoreCase(byte[] buf, int start, String lower) {
        for (int k = 0; k < lower.length(); k++) {
            if ((buf[start + k] | 0x20) != lower.charAt(k)) return false;
        }
        return true;
    }
}

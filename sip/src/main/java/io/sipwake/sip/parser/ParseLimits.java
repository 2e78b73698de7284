package io.sipwake.sip.parser;

/**
 * Size limits the parser enforces before it allocates anything large. A message over
 * {@code maxMessageBytes} is answered 513 when possible; other violations get 400.
 */
public record ParseLimits(int maxMessageBytes, int maxHeaderBytes, int maxHeaderLines, int maxLineBytes) {
    /** 64 KiB messages (the UDP maximum), 16 KiB of headers, 256 header lines, 8 KiB per line. */
    public static final ParseLimits DEFAULT = new ParseLimits(65_535, 16_384, 256, 8_192);

    public ParseLimits {
        if (maxMessageBytes < 512 || maxHeaderBytes < 256 || maxHeaderLines < 8 || maxLineBytes < 128) {
            throw new IllegalArgumentException("parse limits too small: " + maxMessageBytes + "/" + maxHeaderBytes + "/"
                    + maxHeaderLines + "/" + maxLineBytes);
        }
    }
}

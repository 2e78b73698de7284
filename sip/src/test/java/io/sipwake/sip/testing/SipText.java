package io.sipwake.sip.testing;

import java.nio.charset.StandardCharsets;

/** Builds SIP message text for tests: lines joined with CRLF. Available through the sipwake-sip test-jar. */
public final class SipText {
    private SipText() {}

    /** The lines, each ended by CRLF. Pass {@code ""} for the empty line that ends the headers. */
    public static String lines(String... lines) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) sb.append(l).append("\r\n");
        return sb.toString();
    }

    /** {@link #lines} as ISO-8859-1 bytes (every char one octet). */
    public static byte[] bytes(String... lines) {
        return lines(lines).getBytes(StandardCharsets.ISO_8859_1);
    }

    public static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** A REGISTER that every parser must accept, with {@code extra} header lines before Content-Length. */
    public static byte[] register(String... extra) {
        String[] head = {
            "REGISTER sip:registrar.example.com SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-reg-1;rport",
            "Max-Forwards: 70",
            "To: Bob <sip:bob@example.com>",
            "From: Bob <sip:bob@example.com>;tag=456248",
            "Call-ID: 843817637684230@998sdasdh09",
            "CSeq: 1826 REGISTER",
            "Contact: <sip:bob@192.0.2.10:5060>",
        };
        String[] all = new String[head.length + extra.length + 2];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(extra, 0, all, head.length, extra.length);
        all[all.length - 2] = "Content-Length: 0";
        all[all.length - 1] = "";
        return bytes(all);
    }

    /** The RFC 3261 §24.2 F1 INVITE from Alice to Bob, with a 142-octet SDP body. */
    public static byte[] invite() {
        String sdp = lines(
            "v=0",
            "o=alice 2890844526 2890844526 IN IP4 pc33.atlanta.example.com",
            "s=-",
            "c=IN IP4 192.0.2.101",
            "t=0 0",
            "m=audio 49172 RTP/AVP 0",
            "a=rtpmap:0 PCMU/8000");
        return latin1(lines(
            "INVITE sip:bob@biloxi.example.com SIP/2.0",
            "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds",
            "Max-Forwards: 70",
            "To: Bob <sip:bob@biloxi.example.com>",
            "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
            "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
            "CSeq: 314159 INVITE",
            "Contact: <sip:alice@pc33.atlanta.example.com>",
            "Content-Type: application/sdp",
            "Content-Length: " + sdp.length(),
            "") + sdp);
    }
}

package io.sipwake.bench;

import java.nio.charset.StandardCharsets;

/** The messages the benchmarks parse: realistic sizes, distinct variants so no branch is trivially predicted. */
final class BenchMessages {
    /** How many distinct variants of each message the benchmarks cycle through. */
    static final int VARIANTS = 256;

    private BenchMessages() {}

    /**
     * A REGISTER from an iOS phone with an RFC 8599 push Contact (pn-provider, pn-prid, pn-param),
     * RFC 5626 +sip.instance/reg-id and expires, over TLS with digest credentials: about 1 KiB.
     */
    static byte[] register(int i) {
        String prid = String.format("%064x", (long) i * 0x9E3779B97F4A7C15L).substring(0, 64);
        String text = ""
            + "REGISTER sip:sip.example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/TLS 10.0.1." + (i % 250 + 1) + ":52" + (100 + i % 900) + ";branch=z9hG4bK.reg" + i + "x7Gk2;rport;alias\r\n"
            + "Max-Forwards: 70\r\n"
            + "From: \"Alice " + i + "\" <sip:alice" + i + "@sip.example.com>;tag=Fq8vH" + i + "\r\n"
            + "To: \"Alice " + i + "\" <sip:alice" + i + "@sip.example.com>\r\n"
            + "Call-ID: 8Ak3nZ" + i + "mQ7vL2pR9xT4wB6cY1dE5fG0@10.0.1.5\r\n"
            + "CSeq: " + (20 + i) + " REGISTER\r\n"
            + "Contact: <sip:alice" + i + "@10.0.1." + (i % 250 + 1) + ":52" + (100 + i % 900) + ";transport=tls;pn-provider=apns;"
            + "pn-prid=" + prid + ";pn-param=ABCD1234.com.example.voip>;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-"
            + String.format("%012X", i) + ">\";reg-id=1;expires=600\r\n"
            + "Expires: 600\r\n"
            + "Supported: path, gruu, outbound\r\n"
            + "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE, NOTIFY, SUBSCRIBE, INFO, UPDATE\r\n"
            + "Authorization: Digest username=\"alice" + i + "\", realm=\"sip.example.com\", nonce=\"5f1a2b3c4d5e6f7a" + i + "\", "
            + "uri=\"sip:sip.example.com\", response=\"0123456789abcdef0123456789abcdef\", algorithm=SHA-256, qop=auth, nc=00000001, cnonce=\"a1b2c3\"\r\n"
            + "User-Agent: ExamplePhone/4.2 (iOS 17.5)\r\n"
            + "Content-Length: 0\r\n"
            + "\r\n";
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** An INVITE through one proxy (two Vias, Record-Route) with an SDP offer of audio and video: about 1.3 KiB. */
    static byte[] invite(int i) {
        String sdp = ""
            + "v=0\r\n"
            + "o=bob 2808844564 " + (2808844564L + i) + " IN IP4 192.0.2." + (i % 250 + 1) + "\r\n"
            + "s=-\r\n"
            + "c=IN IP4 192.0.2." + (i % 250 + 1) + "\r\n"
            + "t=0 0\r\n"
            + "m=audio " + (49170 + 2 * (i % 100)) + " RTP/AVP 0 8 9 101\r\n"
            + "a=rtpmap:0 PCMU/8000\r\n"
            + "a=rtpmap:8 PCMA/8000\r\n"
            + "a=rtpmap:9 G722/8000\r\n"
            + "a=rtpmap:101 telephone-event/8000\r\n"
            + "a=fmtp:101 0-16\r\n"
            + "a=ptime:20\r\n"
            + "a=sendrecv\r\n"
            + "m=video " + (51372 + 2 * (i % 100)) + " RTP/AVP 96\r\n"
            + "a=rtpmap:96 H264/90000\r\n"
            + "a=fmtp:96 profile-level-id=42e01f;packetization-mode=1\r\n";
        String text = ""
            + "INVITE sip:alice" + i + "@sip.example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP proxy.example.net:5060;branch=z9hG4bK.prx" + i + "a1;received=198.51.100.7\r\n"
            + "Via: SIP/2.0/TCP 192.0.2." + (i % 250 + 1) + ":5070;branch=z9hG4bK.bob" + i + "77;rport=5070;received=192.0.2.99\r\n"
            + "Record-Route: <sip:proxy.example.net;lr;ftag=as" + i + ">\r\n"
            + "Max-Forwards: 69\r\n"
            + "From: \"Bob\" <sip:bob@example.net>;tag=as" + i + "c3\r\n"
            + "To: <sip:alice" + i + "@sip.example.com>\r\n"
            + "Call-ID: 3848276298220188511-" + i + "@192.0.2.4\r\n"
            + "CSeq: 1 INVITE\r\n"
            + "Contact: <sip:bob@192.0.2." + (i % 250 + 1) + ":5070;transport=tcp>\r\n"
            + "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY\r\n"
            + "Supported: replaces, timer\r\n"
            + "Session-Expires: 1800\r\n"
            + "User-Agent: ExampleSoftphone 1.0\r\n"
            + "Content-Type: application/sdp\r\n"
            + "Content-Length: " + sdp.length() + "\r\n"
            + "\r\n"
            + sdp;
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}

package io.sipwake.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The RFC 4475 and RFC 5118 torture messages sent byte for byte to a running sipwake over UDP, each
 * answered as those RFCs say for a proxy/registrar (the parser-level checks are in the sip module).
 *
 * <p>Messages are sent from 127.0.0.2 out of a socket bound to the port of their top Via, so that
 * every answer, routed by RFC 3261 §18.2.2 to {@code received} and the Via port, comes back to the
 * test and nothing leaves loopback. Each case expects the first final response, or none (0: a drop).
 * The server does not relay (the default): requests routed elsewhere than to its users get 403.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TortureMessagesTest {
    private static final Pattern VIA_PORT = Pattern.compile(
            "(?im)^(?:via|v)[ \\t]*:[ \\t]*SIP[ \\t]*/[ \\t]*[\\d.]+[ \\t]*/[ \\t]*[^ \\t]+[ \\t]+(\\[[^\\]]*\\]|[^ \\t;:,]+)(?:[ \\t]*:[ \\t]*(\\d+))?");

    private TestServer server;

    @BeforeAll
    void start(@TempDir Path dir) {
        server = TestServer.start(dir);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0} ({1}) -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        wsinv             | RFC 4475 3.1.1.1 valid, Route elsewhere: no relay | 403
        intmeth           | RFC 4475 3.1.1.2 odd method, unknown user       | 404
        esc01             | RFC 4475 3.1.1.3 escapes, unknown user          | 404
        escnull           | RFC 4475 3.1.1.4 REGISTER, needs credentials    | 401
        esc02             | RFC 4475 3.1.1.5 RE%47IST%45R is not REGISTER  | 501
        lwsdisp           | RFC 4475 3.1.1.6 valid, unknown user            | 404
        longreq           | RFC 4475 3.1.1.7 valid, unknown user            | 404
        dblreq            | RFC 4475 3.1.1.8 REGISTER, trailing octets      | 401
        semiuri           | RFC 4475 3.1.1.9 valid, unknown user            | 404
        transports        | RFC 4475 3.1.1.10 valid, unknown user           | 404
        mpart01           | RFC 4475 3.1.1.11 MESSAGE, Route elsewhere: no relay | 403
        unreason          | RFC 4475 3.1.1.12 a response: not ours, dropped | 0
        noreason          | RFC 4475 3.1.1.13 a response: not ours, dropped | 0
        badinv01          | RFC 4475 3.1.2.1                                | 400
        clerr             | RFC 4475 3.1.2.2                                | 400
        ncl               | RFC 4475 3.1.2.3                                | 400
        scalar02          | RFC 4475 3.1.2.4                                | 400
        scalarlg          | RFC 4475 3.1.2.5 bad response, dropped          | 0
        quotbal           | RFC 4475 3.1.2.6                                | 400
        ltgtruri          | RFC 4475 3.1.2.7                                | 400
        lwsruri           | RFC 4475 3.1.2.8                                | 400
        lwsstart          | RFC 4475 3.1.2.9                                | 400
        trws              | RFC 4475 3.1.2.10                               | 400
        escruri           | RFC 4475 3.1.2.11                               | 400
        baddate           | RFC 4475 3.1.2.12 Date ignored, unknown user    | 404
        regbadct          | RFC 4475 3.1.2.13                               | 400
        badaspec          | RFC 4475 3.1.2.14                               | 400
        baddn             | RFC 4475 3.1.2.15                               | 400
        badvers           | RFC 4475 3.1.2.16                               | 505
        mismatch01        | RFC 4475 3.1.2.17                               | 400
        mismatch02        | RFC 4475 3.1.2.18 (400 acceptable)              | 400
        bigcode           | RFC 4475 3.1.2.19 bad response, dropped         | 0
        badbranch         | RFC 4475 3.2.1                                  | 400
        insuf             | RFC 4475 3.3.1                                  | 400
        unkscm            | RFC 4475 3.3.2                                  | 416
        unksm2            | RFC 4475 3.3.4 registrar: To not a SIP AOR      | 400
        bext01            | RFC 4475 3.3.5 Proxy-Require                    | 420
        invut             | RFC 4475 3.3.6 proxy forwards: unknown user     | 404
        regaut01          | RFC 4475 3.3.7 unknown scheme: challenged       | 401
        multi01           | RFC 4475 3.3.8                                  | 400
        mcl01             | RFC 4475 3.3.9                                  | 400
        bcast             | RFC 4475 3.3.10 never sent to broadcast         | 0
        zeromf            | RFC 4475 3.3.11 Max-Forwards 0                  | 483
        sdp01             | RFC 4475 3.3.15 proxy forwards: unknown user    | 404
        inv2543           | RFC 4475 3.4.1 RFC 2543 INVITE, unknown user    | 404
        ipv6-good         | RFC 5118 4.1 REGISTER                           | 401
        ipv6-bad          | RFC 5118 4.2                                    | 400
        port-ambiguous    | RFC 5118 4.3 REGISTER                           | 401
        port-unambiguous  | RFC 5118 4.4 REGISTER                           | 401
        via-received-param-with-delim | RFC 5118 4.5 BYE, dialog not via us: no relay | 403
        via-received-param-no-delim   | RFC 5118 4.5 OPTIONS to the server  | 200
        ipv6-in-sdp       | RFC 5118 4.6 unknown user                       | 404
        mult-ip-in-header | RFC 5118 4.7 BYE, dialog not via us: no relay    | 403
        mult-ip-in-sdp    | RFC 5118 4.8 unknown user                       | 404
        ipv4-mapped-ipv6  | RFC 5118 4.9 unknown user                       | 404
        ipv6-bug-abnf-3-colons     | RFC 5118 4.10 unknown user             | 404
        ipv6-correct-abnf-2-colons | RFC 5118 4.10 unknown user             | 404
        """)
    void tortureMessageGetsTheAnswerItsRfcAsksFor(String name, String what, int expectedStatus) throws Exception {
        byte[] message = resource("torture/" + name + ".dat");
        int viaPort = viaPort(message);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), viaPort))) {
            socket.send(new DatagramPacket(message, message.length, InetAddress.getLoopbackAddress(), server.port()));
            assertThat(firstFinalStatus(socket, callId(message))).as(name + ": " + what).isEqualTo(expectedStatus);
        }
    }

    /**
     * RFC 4475 §3.3.3. novelsc has the branch, sent-by and method of unkscm, so by RFC 3261 §17.2.3
     * one server would rightly take it for a retransmission of unkscm: it gets a server of its own.
     */
    @org.junit.jupiter.api.Test
    void novelSchemeGets416(@TempDir Path dir) throws Exception {
        TestServer own = TestServer.start(dir);
        try (own; DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 5060))) {
            byte[] message = resource("torture/novelsc.dat");
            socket.send(new DatagramPacket(message, message.length, InetAddress.getLoopbackAddress(), own.port()));
            assertThat(firstFinalStatus(socket, callId(message))).isEqualTo(416);
        }
    }

    /**
     * RFC 4475 mpart01 through a relaying sipwake. RFC 3261 §16.6 step 6: a next hop without
     * {@code lr} is a strict router: it gets the request with itself as Request-URI and the
     * original Request-URI as last Route.
     */
    @org.junit.jupiter.api.Test
    void strictRouterGetsTheRequestWithItselfAsRequestUri_16_6_step6(@TempDir Path dir) throws Exception {
        byte[] message = resource("torture/mpart01.dat");
        try (TestServer relaying = TestServer.start(dir, "", "  relay: true\n");
                DatagramSocket router = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 5080));
                DatagramSocket sender = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0))) {
            sender.send(new DatagramPacket(message, message.length, InetAddress.getLoopbackAddress(), relaying.port()));
            router.setSoTimeout(3000);
            byte[] buf = new byte[65_535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            router.receive(p);
            io.sipwake.sip.message.SipRequest forwarded = (io.sipwake.sip.message.SipRequest)
                    new io.sipwake.sip.parser.SipParser().parseDatagram(p.getData(), 0, p.getLength());
            assertThat(forwarded.requestUri().toString()).isEqualTo("sip:127.0.0.1:5080");
            assertThat(forwarded.headerValues("Route")).containsExactly("<sip:kumiko@example.org>");
            assertThat(forwarded.maxForwards()).isEqualTo(69);
            assertThat(forwarded.body()).hasSize(553);
        } catch (io.sipwake.sip.parser.SipParseException e) {
            throw new AssertionError("sipwake forwarded an unparseable request", e);
        }
    }

    /** The status of the first final response with this Call-ID within 3 s, or 0 when none came. */
    private static int firstFinalStatus(DatagramSocket socket, String callId) throws IOException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        byte[] buf = new byte[65_535];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) return 0;
            socket.setSoTimeout((int) left);
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return 0;
            }
            String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
            if (!text.startsWith("SIP/2.0 ")) continue;
            if (callId != null && !callId.equals(callId(text.getBytes(StandardCharsets.ISO_8859_1)))) continue; // a late answer to an earlier case
            int status = Integer.parseInt(text.substring(8, 11));
            if (status >= 200) return status;
        }
    }

    private static final Pattern CALL_ID = Pattern.compile("(?im)^(?:call-id|i)[ \\t]*:[ \\t]*(\\S+)");

    private static String callId(byte[] message) {
        Matcher m = CALL_ID.matcher(new String(message, StandardCharsets.ISO_8859_1));
        return m.find() ? m.group(1) : null;
    }

    private static int viaPort(byte[] message) {
        String head = new String(message, StandardCharsets.ISO_8859_1).replaceAll("\r?\n[ \t]+", " ");
        Matcher m = VIA_PORT.matcher(head);
        return m.find() && m.group(2) != null ? Integer.parseInt(m.group(2)) : 5060;
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = TortureMessagesTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IOException("missing test resource " + name);
            return in.readAllBytes();
        }
    }
}

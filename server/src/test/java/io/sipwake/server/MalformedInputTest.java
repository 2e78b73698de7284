package io.sipwake.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.sip.transport.TestCertificates;
import io.sipwake.sip.transport.Transport;
import io.sipwake.testing.PeerTransport;
import io.sipwake.testing.Peers;
import io.sipwake.testing.Sipp;
import io.sipwake.testing.SippProcess;
import io.sipwake.testing.SippResult;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed input on every transport while a call is in progress: each gets a 400 (when a request
 * was parsed far enough to answer) or is dropped, and the call on the same server completes.
 */
class MalformedInputTest {
    /** Inputs a server meets in the wild; the expectation is "400" or "drop". */
    private static final List<String[]> JUNK = List.of(
            new String[] {"truncated request line", "INVITE sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKtrunc\r\n", "any"},
            new String[] {"bad Content-Length", request("Content-Length: 99999\r\n", "x"), "any"},
            new String[] {"huge header", request("X-Junk: " + "a".repeat(20_000) + "\r\n", ""), "any"},
            new String[] {"bad Request-URI", request("", "").replaceFirst("sip:bob@127.0.0.1", "sip:bob@[::1"), "400"},
            new String[] {"binary junk", "\u0000\u0001\u0002\u00ff\u00fe SIP junk \u0007\r\n\r\n", "drop"});

    private static String request(String extraHeader, String body) {
        return "OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK" + UUID.randomUUID() + ";rport\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:junk@127.0.0.1>;tag=j\r\nTo: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: junk-" + UUID.randomUUID() + "\r\nCSeq: 1 OPTIONS\r\n" + extraHeader
                + (extraHeader.startsWith("Content-Length") ? "" : "Content-Length: " + body.length() + "\r\n") + "\r\n" + body;
    }

    @Test
    void malformedMessagesOnEveryTransportGet400OrAreDroppedWhileACallCompletes(@TempDir Path dir) throws Exception {
        Peers.require("sipp");
        TestCertificates.Pem pem = TestCertificates.generate(dir);
        String listeners = "    - {transport: tls, port: 0}\n    - {transport: ws, port: 0}\n";
        String tls = "  tls: {certificate: " + pem.certificate() + ", private-key: " + pem.privateKey() + "}\n";
        try (TestServer server = TestServer.start(dir, listeners, tls);
                WebSocketPhone phone = new WebSocketPhone("bob", TestServer.PASSWORD, server.port(Transport.WS))) {
            assertThat(phone.register().status()).isEqualTo(200);
            try (SippProcess caller = Sipp.scenario("sipp/caller.xml").remote("127.0.0.1", server.port())
                    .transport(PeerTransport.UDP).service("bob").callId("during-junk-" + UUID.randomUUID()).start()) {
                var invite = phone.expectRequest("INVITE");
                phone.answer(invite, 180); // the call is ringing: now throw junk at every transport

                List<String> outcomes = new ArrayList<>();
                for (String[] junk : JUNK) {
                    byte[] bytes = junk[1].getBytes(StandardCharsets.ISO_8859_1);
                    outcomes.add(check("UDP " + junk[0], udp(server.port(), bytes), junk[2]));
                    outcomes.add(check("TCP " + junk[0], stream(new Socket("127.0.0.1", server.port(Transport.TCP)), bytes), junk[2]));
                    SSLSocket tlsSocket = (SSLSocket) pem.trustingContext().getSocketFactory().createSocket("127.0.0.1", server.port(Transport.TLS));
                    outcomes.add(check("TLS " + junk[0], stream(tlsSocket, bytes), junk[2]));
                    outcomes.add(check("WS " + junk[0], webSocket(server.port(Transport.WS), bytes), junk[2]));
                }
                assertThat(outcomes).as("every malformed input was answered 400 or dropped").allMatch(o -> o.endsWith(" ok"));

                phone.answer(invite, 200);
                phone.expectRequest("ACK");
                phone.answer(phone.expectRequest("BYE"), 200);
                SippResult result = caller.awaitResult();
                assertThat(result).matches(SippResult::succeeded, "the call in progress completed");
            }
            assertThat(server.server().transport().stats().toString()).contains("rejected=");
        }
    }

    /** "400", "drop" or "other status"; checked against what is expected. */
    private static String check(String what, String outcome, String expected) {
        boolean ok = outcome.equals(expected) || (expected.equals("any") && (outcome.equals("400") || outcome.equals("drop") || outcome.equals("513")));
        return what + " -> " + outcome + (ok ? " ok" : " NOT " + expected);
    }

    private static String udp(int port, byte[] bytes) throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
            s.setSoTimeout(1500);
            byte[] buf = new byte[65_535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
                return statusOf(new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1));
            } catch (SocketTimeoutException e) {
                return "drop";
            }
        }
    }

    private static String stream(Socket socket, byte[] bytes) throws Exception {
        try (socket) {
            socket.setSoTimeout(1500);
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[4096];
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                return "drop";
            } catch (java.io.IOException closed) {
                return "drop";
            }
            return n <= 0 ? "drop" : statusOf(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        } catch (java.net.SocketException reset) {
            return "drop";
        }
    }

    private static String webSocket(int port, byte[] bytes) throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("sip")
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        reply.complete(data.toString());
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                        byte[] b = new byte[data.remaining()];
                        data.get(b);
                        reply.complete(new String(b, StandardCharsets.ISO_8859_1));
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        try {
            ws.sendBinary(ByteBuffer.wrap(bytes), true).get(5, TimeUnit.SECONDS);
            return statusOf(reply.get(1500, TimeUnit.MILLISECONDS));
        } catch (java.util.concurrent.TimeoutException e) {
            return "drop";
        } finally {
            ws.abort();
        }
    }

    private static String statusOf(String reply) {
        return reply.startsWith("SIP/2.0 ") ? reply.substring(8, 11) : "unexpected: " + reply.substring(0, Math.min(40, reply.length()));
    }
}

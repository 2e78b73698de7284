package io.sipwake.server;

import static io.sipwake.testing.SippMessage.response;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.testing.PeerTransport;
import io.sipwake.testing.Peers;
import io.sipwake.testing.Sipp;
import io.sipwake.testing.SippProcess;
import io.sipwake.testing.SippResult;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Routing decisions of the standalone proxy that do not need a call, and bindings that outlive a restart. */
class RestartAndRoutingTest {
    @TempDir
    Path dir;

    @Test
    void bindingsSurviveARestartAndTheCallStillReachesThePhone_10_3() {
        Peers.require("sipp");
        TestServer server = TestServer.start(dir);
        String callId = "restart-" + UUID.randomUUID();
        try (SippProcess callee = Sipp.scenario("sipp/callee.xml").remote("127.0.0.1", server.port()).transport(PeerTransport.UDP)
                .service("bob").auth("bob", TestServer.PASSWORD).callId(callId).timeout(Duration.ofSeconds(40)).start()) {
            callee.awaitReceived(response(200, "REGISTER"), Duration.ofSeconds(15));
            server = server.restart();
            assertThat(server.server().locations().lookup("sip:bob@127.0.0.1")).as("binding reloaded from SQLite").hasSize(1);
            SippResult caller = Sipp.scenario("sipp/caller.xml").remote("127.0.0.1", server.port()).transport(PeerTransport.UDP)
                    .service("bob").callId(callId).run();
            assertThat(caller).matches(SippResult::succeeded, "the call after the restart completed");
            assertThat(callee.awaitResult()).matches(SippResult::succeeded, "the phone was called");
        } finally {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "nobody, 404",   // not a user of ours (§16.5: no target)
        "carol, 480",    // a user, but nothing registered
    })
    void requestsForUsersWithoutBindings(String user, int expected) throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            assertThat(statusOf(server.port(), "MESSAGE", "sip:" + user + "@127.0.0.1")).isEqualTo(expected);
        }
    }

    @Test
    void requestWithMaxForwardsZeroGets483_16_3() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            assertThat(statusOf(server.port(), "MESSAGE", "sip:carol@127.0.0.1", "Max-Forwards: 0\r\n")).isEqualTo(483);
        }
    }

    @Test
    void requestThatComesBackUnchangedIsALoop482_16_3_step4() throws Exception {
        int port = io.sipwake.testing.FreePorts.udpAndTcp();
        String yaml = "sip:\n  address: 127.0.0.1\n  resolve-names: false\n  listen: [{transport: udp, port: " + port + "}]\n"
                + "registrar: {authentication: false}\nstore: {type: memory}\n";
        try (TestServer server = TestServer.startWith(dir, yaml)) {
            // bob's binding is reached through a Path that names sipwake itself: every forward comes back
            String path = "Path: <sip:127.0.0.1:" + port + ";lr>\r\nContact: <sip:bob@127.0.0.1:9>\r\n";
            assertThat(statusOf(port, "REGISTER", "sip:127.0.0.1", path)).isEqualTo(200);
            assertThat(statusOf(port, "MESSAGE", "sip:bob@127.0.0.1", "")).isEqualTo(482);
        }
    }

    private static int statusOf(int port, String method, String uri) throws Exception {
        return statusOf(port, method, uri, "");
    }

    /** Sends one request over UDP and returns the status of the first final response (0 when none in 3 s). */
    static int statusOf(int port, String method, String uri, String extraHeaders) throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            String mf = extraHeaders.contains("Max-Forwards") ? "" : "Max-Forwards: 70\r\n";
            String to = method.equals("REGISTER") ? "<sip:bob@127.0.0.1>" : "<" + uri + ">";
            String text = method + " " + uri + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + s.getLocalPort() + ";branch=z9hG4bK" + UUID.randomUUID() + ";rport\r\n"
                    + mf + extraHeaders
                    + "From: <sip:tester@127.0.0.1>;tag=t1\r\nTo: " + to + "\r\n"
                    + "Call-ID: " + UUID.randomUUID() + "\r\nCSeq: 1 " + method + "\r\nContent-Length: 0\r\n\r\n";
            byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            s.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
            byte[] buf = new byte[65_535];
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < deadline) {
                s.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    return 0;
                }
                int status = Integer.parseInt(new String(buf, 8, 3, StandardCharsets.ISO_8859_1));
                if (status >= 200) return status;
            }
            return 0;
        }
    }
}

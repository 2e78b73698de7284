package io.sipwake.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sipwake.proxy.registrar.Registrar;
import io.sipwake.push.apns.testing.MockApns;
import io.sipwake.sip.transport.Flow;
import io.sipwake.store.Binding;
import io.sipwake.testing.PeerTransport;
import io.sipwake.testing.Sipp;
import io.sipwake.testing.SippResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * What the RFC 8599 end-to-end tests share: the {@code push:} configuration that sends APNs pushes
 * to a {@link MockApns}, a phone that registers with push parameters and goes to sleep, and a raw
 * UDP caller for the flows SIPp's scenarios cannot express (a CANCEL after a bare 100, any final
 * error).
 */
final class PushTestSupport {
    static final String TEAM = "ABCD1234";
    static final String KEY_ID = "KEY1234567";
    static final String BUNDLE = "org.example.phone";

    private PushTestSupport() {
    }

    /** A {@code push:} section: APNs (both environments) at {@code apns}, whose team signs for {@link #BUNDLE}. */
    static String pushConfig(MockApns apns, String callTimeout) {
        var team = apns.team();
        var endpoint = apns.endpoint();
        String ep = "{host: " + endpoint.host() + ", port: " + endpoint.port() + ", trust: " + endpoint.trustedServerCertificate() + "}";
        return "push:\n"
                + "  call-timeout: " + callTimeout + "\n"
                + "  min-expires: 121\n"
                + "  apns:\n"
                + "    teams:\n"
                + "      - {team-id: " + team.teamId() + ", key-id: " + team.keyId() + ", signing-key: " + team.signingKeyFile()
                + ", bundle-ids: [" + BUNDLE + "]}\n"
                + "    production-endpoint: " + ep + "\n"
                + "    sandbox-endpoint: " + ep + "\n";
    }

    /**
     * Linphone iOS's push parameters: one PushKit token for calls and one remote-notification token
     * for everything else (messages, cancel and missed-call alerts).
     */
    static String linphonePn(String voipToken, String remoteToken) {
        return ";pn-provider=apns;pn-param=" + TEAM + "." + BUNDLE + ".voip&remote;pn-prid=" + voipToken + ":voip&" + remoteToken + ":remote";
    }

    /** A random 64-hex-digit APNs device token. */
    static String newToken() {
        return (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
    }

    static String aor(String user) {
        return "sip:" + user + "@127.0.0.1";
    }

    /**
     * The phone registers {@code user} with push parameters {@code pn} over TCP (SIPp
     * register-push.xml), then sleeps: SIPp ends and its connection closes. Returns its binding,
     * once sipwake has seen the connection close.
     */
    static Binding registerAndSleep(TestServer server, String user, String pn) {
        SippResult registration = Sipp.scenario("sipp/register-push.xml").remote("127.0.0.1", server.port()).transport(PeerTransport.TCP)
                .service(user).auth(user, TestServer.PASSWORD).key("pn", pn).run();
        assertThat(registration).matches(SippResult::succeeded, "registered with push parameters, Feature-Caps in the 200");
        List<Binding> pushBindings = server.server().locations().lookup(aor(user)).stream()
                .filter(b -> Registrar.pushParameters(b) != null).toList();
        assertThat(pushBindings).as("one push binding").hasSize(1);
        Binding binding = pushBindings.get(0);
        Flow sleepingFlow = Flow.parseToken(binding.flow());
        await().atMost(Duration.ofSeconds(10)).until(() -> !server.server().transport().isOpen(sleepingFlow));
        return binding;
    }

    /** Waits (bounded) until MockApns has received at least {@code n} requests, and returns them all. */
    static List<MockApns.Received> awaitPushes(MockApns apns, int n) {
        await().atMost(Duration.ofSeconds(15)).until(() -> apns.received().size() >= n);
        return apns.received();
    }

    /**
     * A caller on a UDP socket of its own, written out by hand: one INVITE transaction to
     * {@code sip:user@127.0.0.1:port}, its CANCEL (RFC 3261 §9.1) and the ACK of a non-2xx final
     * response (§17.1.1.3). Every wait is bounded; every message received is kept.
     */
    static final class UdpCaller implements AutoCloseable {
        private final DatagramSocket socket;
        private final int serverPort;
        private final String requestUri;
        private final String callId;
        private final String fromTag = "raw" + Long.toHexString(System.nanoTime());
        private final String branch = "z9hG4bK" + UUID.randomUUID();
        private final List<String> received = new ArrayList<>();

        UdpCaller(int serverPort, String user, String callId) {
            try {
                this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.serverPort = serverPort;
            this.requestUri = "sip:" + user + "@127.0.0.1:" + serverPort;
            this.callId = callId;
        }

        String callId() {
            return callId;
        }

        private String via() {
            return "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=" + branch + ";rport\r\n";
        }

        private String from() {
            return "From: \"Raw Caller\" <sip:caller@127.0.0.1>;tag=" + fromTag + "\r\n";
        }

        /** Sends the INVITE (with an SDP offer). */
        void invite() {
            String sdp = "v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    + "m=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
            send("INVITE " + requestUri + " SIP/2.0\r\n" + via() + "Max-Forwards: 70\r\n" + from()
                    + "To: <" + requestUri + ">\r\nCall-ID: " + callId + "\r\nCSeq: 1 INVITE\r\n"
                    + "Contact: <sip:caller@127.0.0.1:" + socket.getLocalPort() + ">\r\n"
                    + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp);
        }

        /**
         * Sends a request in the dialog a 2xx to the INVITE created (RFC 3261 §12.2.1.1): to the 2xx's Contact,
         * along its Record-Route reversed, with a new branch ({@code ACK} keeps CSeq 1, others use {@code cseq}).
         */
        void inDialog(String ok, String method, int cseq) {
            String contact = header(ok, "Contact").orElseThrow();
            String target = contact.substring(contact.indexOf('<') + 1, contact.indexOf('>'));
            List<String> recordRoutes = headers(ok, "Record-Route");
            StringBuilder routes = new StringBuilder();
            for (int i = recordRoutes.size() - 1; i >= 0; i--) routes.append("Route: ").append(recordRoutes.get(i)).append("\r\n");
            send(method + " " + target + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK" + UUID.randomUUID() + ";rport\r\n"
                    + "Max-Forwards: 70\r\n" + routes + from() + "To: " + header(ok, "To").orElseThrow() + "\r\nCall-ID: " + callId
                    + "\r\nCSeq: " + (method.equals("ACK") ? 1 : cseq) + " " + method + "\r\nContent-Length: 0\r\n\r\n");
        }

        /** Sends an OPTIONS to the user (a PBX's qualify ping, a scanner). */
        void options() {
            send("OPTIONS " + requestUri + " SIP/2.0\r\n" + via() + "Max-Forwards: 70\r\n" + from()
                    + "To: <" + requestUri + ">\r\nCall-ID: " + callId + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
        }

        /** RFC 3261 §9.1: the INVITE's Request-URI, Call-ID, From, To, CSeq number and (single) Via. */
        void cancel() {
            send("CANCEL " + requestUri + " SIP/2.0\r\n" + via() + "Max-Forwards: 70\r\n" + from()
                    + "To: <" + requestUri + ">\r\nCall-ID: " + callId + "\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n");
        }

        /** RFC 3261 §17.1.1.3: ACK of a non-2xx final response, in the INVITE transaction (same branch), with its To tag. */
        void ack(String finalResponse) {
            String to = header(finalResponse, "To").orElseThrow();
            send("ACK " + requestUri + " SIP/2.0\r\n" + via() + "Max-Forwards: 70\r\n" + from()
                    + "To: " + to + "\r\nCall-ID: " + callId + "\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
        }

        /**
         * The first response (received so far or within {@code max}) with this status to this
         * method; fails if none comes in time.
         */
        String awaitResponse(int status, String method, Duration max) {
            return await(m -> status(m) == status && method.equals(cseqMethod(m)), max,
                    status + " to " + method);
        }

        /** The first final response to the INVITE, received so far or within {@code max}. */
        String awaitFinalResponse(Duration max) {
            return await(m -> status(m) >= 200 && "INVITE".equals(cseqMethod(m)), max, "a final response to the INVITE");
        }

        /** Every message received so far. */
        List<String> received() {
            return List.copyOf(received);
        }

        private String await(Predicate<String> which, Duration max, String what) {
            long deadline = System.nanoTime() + max.toNanos();
            int seen = 0;
            byte[] buf = new byte[65_535];
            while (true) {
                for (; seen < received.size(); seen++) {
                    if (which.test(received.get(seen))) return received.get(seen);
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new AssertionError("no " + what + " within " + max + "; received:\n" + String.join("\n----\n", received));
                }
                try {
                    socket.setSoTimeout((int) Math.max(1, left));
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    received.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
                } catch (SocketTimeoutException e) {
                    // loop: the deadline check reports it
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        private void send(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            try {
                socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), serverPort));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            socket.close();
        }

        /** The status code of a response, or -1 for a request. */
        static int status(String message) {
            return message.startsWith("SIP/2.0 ") && message.length() >= 11 ? Integer.parseInt(message.substring(8, 11)) : -1;
        }

        static String cseqMethod(String message) {
            String[] cseq = header(message, "CSeq").orElse("").trim().split("\\s+");
            return cseq.length == 2 ? cseq[1] : "";
        }

        /** Every value of the header fields with this (long) name, in order, ignoring case (one per line). */
        static List<String> headers(String message, String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            List<String> values = new ArrayList<>();
            for (String line : message.split("\r\n", -1)) {
                if (line.isEmpty()) break;
                if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) values.add(line.substring(prefix.length()).trim());
            }
            return values;
        }

        /** The first header field with this (long) name, ignoring case. */
        static Optional<String> header(String message, String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            for (String line : message.split("\r\n", -1)) {
                if (line.isEmpty()) break;
                if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) return Optional.of(line.substring(prefix.length()).trim());
            }
            return Optional.empty();
        }
    }
}

package io.sipwake.server;

import static io.sipwake.testing.SippMessage.request;
import static io.sipwake.testing.SippMessage.response;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.sip.testing.JainSipOracle;
import io.sipwake.sip.transport.Transport;
import io.sipwake.testing.PeerTransport;
import io.sipwake.testing.Peers;
import io.sipwake.testing.Sipp;
import io.sipwake.testing.SippMessage;
import io.sipwake.testing.SippProcess;
import io.sipwake.testing.SippResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Phones register with sipwake and call each other through it, played by SIPp (Debian's
 * sip-tester): the standalone registrar (RFC 3261 §10) and stateful proxy (§16) against a real
 * third-party SIP implementation. Every message SIPp received from sipwake must also be accepted
 * by JAIN-SIP, an independent parser.
 */
class StandaloneCallsTest {
    private static final Duration REGISTERED = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private TestServer server;

    @BeforeEach
    void start() {
        Peers.require("sipp");
        server = TestServer.start(dir);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private Sipp sipp(String scenario, PeerTransport transport) {
        return Sipp.scenario("sipp/" + scenario).remote("127.0.0.1", server.port()).transport(transport);
    }

    @ParameterizedTest(name = "over {0}")
    @CsvSource({"UDP", "TCP"})
    void phoneRegistersWithDigestAuthenticationAndUnregisters_10_3(PeerTransport transport) {
        SippResult result = sipp("register-auth.xml", transport).service("alice").auth("alice", TestServer.PASSWORD)
                .set("unregister", "yes").run();
        assertThat(result).matches(SippResult::succeeded, "registration flow completed");
        assertThat(result.received(response(401, "REGISTER"))).hasSize(2);
        assertThat(result.received(response(200, "REGISTER"))).hasSize(2);
        assertThat(server.server().locations().lookup("sip:alice@127.0.0.1")).isEmpty();
        assertAllAcceptedByJainSip(result.received());
    }

    @Test
    void bindingIsStoredWithTheFlowItCameOver() {
        try (SippProcess phone = sipp("callee.xml", PeerTransport.TCP).service("bob").auth("bob", TestServer.PASSWORD)
                .callId("bob-" + UUID.randomUUID()).start()) {
            phone.awaitReceived(response(200, "REGISTER"), REGISTERED);
            assertThat(server.server().locations().lookup("sip:bob@127.0.0.1")).singleElement()
                    .satisfies(b -> assertThat(b.flow()).startsWith("tcp:127.0.0.1:" + phone.localPort() + "#"));
        }
    }

    @ParameterizedTest(name = "caller over {0}, callee over {1}")
    @CsvSource({"UDP, UDP", "TCP, TCP", "UDP, TCP", "TCP, UDP"})
    void callCompletesThroughTheProxy_16(PeerTransport callerTransport, PeerTransport calleeTransport) {
        String callId = "call-" + UUID.randomUUID();
        try (SippProcess callee = sipp("callee.xml", calleeTransport).service("bob").auth("bob", TestServer.PASSWORD).callId(callId).start()) {
            callee.awaitReceived(response(200, "REGISTER"), REGISTERED);
            SippResult caller = sipp("caller.xml", callerTransport).service("bob").callId(callId).run();
            SippResult phone = callee.awaitResult();
            assertThat(caller).matches(SippResult::succeeded, "caller: INVITE, 200, ACK, BYE, 200");
            assertThat(phone).matches(SippResult::succeeded, "callee: INVITE, 180, 200, ACK, BYE");
            assertThat(caller.received(response(100, "INVITE"))).as("100 Trying at once (§16.2)").isNotEmpty();
            SippMessage invite = phone.received(request("INVITE")).get(0);
            List<String> recordRoutes = invite.headers("Record-Route");
            if (callerTransport == calleeTransport) {
                assertThat(recordRoutes).as("one Record-Route on one transport").hasSize(1);
            } else {
                assertThat(recordRoutes).as("double Record-Route on a transport change (RFC 5658)").hasSize(2);
                assertThat(recordRoutes.get(0)).contains(calleeTransport == PeerTransport.TCP ? "transport=tcp" : "sip:127.0.0.1");
            }
            assertThat(invite.header("Max-Forwards")).hasValue("69");
            assertThat(phone.received(request("ACK"))).as("the 2xx ACK went end to end").hasSize(1);
            assertThat(phone.received(request("BYE"))).as("the BYE followed the Record-Route").hasSize(1);
            assertAllAcceptedByJainSip(caller.received());
            assertAllAcceptedByJainSip(phone.received());
        }
    }

    @ParameterizedTest(name = "over {0}")
    @CsvSource({"UDP", "TCP"})
    void cancelBeforeAnswerGives487ToTheCallerAndCancelToTheCallee_16_10(PeerTransport transport) {
        String callId = "cancel-" + UUID.randomUUID();
        try (SippProcess callee = sipp("callee-ring-forever.xml", transport).service("bob").auth("bob", TestServer.PASSWORD)
                .callId(callId).start()) {
            callee.awaitReceived(response(200, "REGISTER"), REGISTERED);
            SippResult caller = sipp("caller-cancel.xml", transport).service("bob").callId(callId).run();
            SippResult phone = callee.awaitResult();
            assertThat(caller).matches(SippResult::succeeded, "caller: INVITE, 180, CANCEL, 200, 487, ACK");
            assertThat(phone).matches(SippResult::succeeded, "callee: INVITE, 180, CANCEL, 200, 487, ACK");
            assertThat(caller.received(response(487, "INVITE"))).hasSize(1);
            assertThat(phone.received(request("CANCEL"))).hasSize(1);
            assertAllAcceptedByJainSip(caller.received());
            assertAllAcceptedByJainSip(phone.received());
        }
    }

    @Test
    void callForksToEveryPhoneAndTheAnswerCancelsTheOthers_16_7_step10() {
        String callId = "fork-" + UUID.randomUUID();
        try (SippProcess answering = sipp("callee.xml", PeerTransport.UDP).service("bob").auth("bob", TestServer.PASSWORD)
                        .callId(callId).start();
                SippProcess ringing = sipp("callee-ring-forever.xml", PeerTransport.TCP).service("bob").auth("bob", TestServer.PASSWORD)
                        .callId(callId).start()) {
            answering.awaitReceived(response(200, "REGISTER"), REGISTERED);
            ringing.awaitReceived(response(200, "REGISTER"), REGISTERED);
            assertThat(server.server().locations().lookup("sip:bob@127.0.0.1")).hasSize(2);
            SippResult caller = sipp("caller.xml", PeerTransport.UDP).service("bob").callId(callId).run();
            assertThat(caller).matches(SippResult::succeeded, "the caller got one 200 and completed the call");
            assertThat(answering.awaitResult()).matches(SippResult::succeeded, "one phone answered");
            SippResult other = ringing.awaitResult();
            assertThat(other).matches(SippResult::succeeded, "the other phone was cancelled");
            assertThat(other.received(request("CANCEL"))).singleElement()
                    .satisfies(cancel -> assertThat(cancel.header("Reason")).hasValue("SIP;cause=200;text=\"Call completed elsewhere\""));
            assertThat(caller.received(response(200, "INVITE"))).as("only the answering branch's 2xx").hasSize(1);
            assertThat(caller.received(response(487, "INVITE"))).as("the cancelled branch's 487 is not forwarded").isEmpty();
        }
    }

    @Test
    void udpRetransmissionsOfInviteAndOf200AreHandled_17() {
        String callId = "retrans-" + UUID.randomUUID();
        try (SippProcess callee = sipp("callee-retrans.xml", PeerTransport.UDP).service("bob").auth("bob", TestServer.PASSWORD)
                .callId(callId).noRetransmissions().start()) {
            callee.awaitReceived(response(200, "REGISTER"), REGISTERED);
            SippResult caller = sipp("caller-retrans.xml", PeerTransport.UDP).service("bob").callId(callId).noRetransmissions().run();
            SippResult phone = callee.awaitResult();
            assertThat(caller).matches(SippResult::succeeded, "caller got both 200s and completed the call");
            assertThat(phone).matches(SippResult::succeeded, "callee saw the INVITE exactly once");
            assertThat(phone.received(request("INVITE"))).as("the INVITE retransmission is absorbed").hasSize(1);
            assertThat(caller.received(response(200, "INVITE"))).as("the 2xx retransmission is forwarded").hasSize(2);
        }
    }

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({"message.xml, UDP", "message.xml, TCP", "options.xml, UDP"})
    void messageAndOptionsReachTheRegisteredPhone(String scenario, PeerTransport transport) {
        String callId = "req-" + UUID.randomUUID();
        try (SippProcess phone = sipp("callee-request.xml", transport).service("bob").auth("bob", TestServer.PASSWORD).callId(callId).start()) {
            phone.awaitReceived(response(200, "REGISTER"), REGISTERED);
            SippResult sender = sipp(scenario, transport).service("bob").callId(callId).run();
            assertThat(sender).matches(SippResult::succeeded, "the phone answered 200");
            assertThat(phone.awaitResult()).matches(SippResult::succeeded, "the phone got the request");
        }
    }

    @Test
    void webSocketPhoneRegistersAndIsCalled_RFC7118() throws Exception {
        server.close();
        server = TestServer.start(dir, "    - {transport: ws, port: 0}\n", "");
        int wsPort = server.port(Transport.WS);
        try (WebSocketPhone phone = new WebSocketPhone("bob", TestServer.PASSWORD, wsPort)) {
            assertThat(phone.register().status()).isEqualTo(200);
            try (SippProcess caller = sipp("caller.xml", PeerTransport.UDP).service("bob").callId("ws-" + UUID.randomUUID()).start()) {
                var invite = phone.expectRequest("INVITE");
                assertThat(invite.topVia().transport()).isEqualTo("WS");
                phone.answer(invite, 180);
                phone.answer(invite, 200);
                phone.expectRequest("ACK");
                var bye = phone.expectRequest("BYE");
                phone.answer(bye, 200);
                SippResult result = caller.awaitResult();
                assertThat(result).matches(SippResult::succeeded, "the caller's call over UDP to a WebSocket phone completed");
            }
            for (byte[] m : phone.received()) JainSipOracle.assertAccepts(m);
        }
    }

    static void assertAllAcceptedByJainSip(List<SippMessage> messages) {
        for (SippMessage m : messages) {
            JainSipOracle.assertAccepts(asOnTheWire(m.text()).getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /** SIPp's message log trims trailing line ends: put back the empty line, and a body's final CRLF. */
    static String asOnTheWire(String logged) {
        int end = logged.indexOf("\r\n\r\n");
        if (end < 0) return logged.endsWith("\r\n") ? logged + "\r\n" : logged + "\r\n\r\n";
        String body = logged.substring(end + 4);
        java.util.regex.Matcher cl = java.util.regex.Pattern.compile("(?im)^(?:content-length|l)\\s*:\\s*(\\d+)").matcher(logged.substring(0, end));
        if (cl.find()) {
            int declared = Integer.parseInt(cl.group(1));
            while (body.length() < declared) body += "\r\n".substring(0, Math.min(2, declared - body.length()));
            if (body.length() > declared) body = body.substring(0, declared);
        }
        return logged.substring(0, end + 4) + body;
    }
}

package io.sipwake.server;

import static io.sipwake.testing.SippMessage.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.sipwake.proxy.push.PushParameters;
import io.sipwake.proxy.registrar.Registrar;
import io.sipwake.push.apns.testing.MockApns;
import io.sipwake.sip.transport.Flow;
import io.sipwake.sip.transport.Transport;
import io.sipwake.store.Binding;
import io.sipwake.testing.Linphonec;
import io.sipwake.testing.PeerTransport;
import io.sipwake.testing.Peers;
import io.sipwake.testing.Sipp;
import io.sipwake.testing.SippProcess;
import io.sipwake.testing.SippResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 8599 with a real client: linphonec (Debian's linphone-cli, liblinphone 5.1) puts the push
 * parameters in its Contact URI as Linphone-based apps do ({@code contact_uri_parameters} in its
 * linphonerc), registers over TCP with digest authentication and gets sipwake's
 * {@code Feature-Caps: *;+sip.pns="apns"}; it goes to sleep (killed: its connection closes, no
 * un-REGISTER); a call for it makes sipwake send an APNs VoIP push (to Pushy's MockApnsServer) and
 * hold the INVITE; on that push the test starts linphonec again with the same configuration, which
 * registers again with the same pn-* parameters and +sip.instance, is sent the held INVITE over its
 * new connection, answers it by itself ({@code -a}), and the caller's call completes.
 */
class LinphonecPushTest {
    private static final String TEAM = PushTestSupport.TEAM;
    private static final String BUNDLE = PushTestSupport.BUNDLE;
    private static final Duration REGISTERS = Duration.ofSeconds(20);

    @Test
    void linphonecRegistersWithPushParametersSleepsAndIsCalledAfterAVoipPush_RFC8599(@TempDir Path dir) throws Exception {
        Peers.require("linphonec");
        Peers.require("sipp");
        String token = PushTestSupport.newToken();
        String pn = "pn-provider=apns;pn-param=" + TEAM + "." + BUNDLE + ".voip;pn-prid=" + token;
        Files.createDirectories(dir.resolve("apns"));
        try (MockApns apns = MockApns.start(dir.resolve("apns"), TEAM, PushTestSupport.KEY_ID, Set.of(BUNDLE));
                TestServer server = TestServer.start(dir, "", "", PushTestSupport.pushConfig(apns, "40s"))) {
            apns.allow(BUNDLE + ".voip", token);
            Linphonec.Builder bob = Linphonec.phone("bob", TestServer.PASSWORD).registrar(server.port(Transport.TCP))
                    .transport(PeerTransport.TCP).contactUriParameters(pn).autoAnswer();

            // Awake: linphonec registers with its push parameters and gets sipwake's Feature-Caps.
            try (Linphonec phone = bob.start()) {
                phone.awaitRegistered(REGISTERS);
                assertThat(phone.inetSockets()).as("linphonec's sockets: loopback only").isNotEmpty()
                        .allSatisfy(socket -> assertThat(socket).contains(" 127.0.0.1:"));
                Linphonec.Message register = last(phone.sent(m -> m.isRequest("REGISTER")), phone);
                assertThat(register.header("Contact")).get().asString().as("linphonec's Contact")
                        .contains(";" + pn).contains("+sip.instance=\"<urn:uuid:" + bob.instance() + ">\"");
                Linphonec.Message ok = last(phone.received(m -> m.isResponse(200, "REGISTER")), phone);
                assertThat(ok.headers("Feature-Caps")).as("Feature-Caps of the 200 to REGISTER (RFC 8599 §5.4), as linphonec received it")
                        .anySatisfy(fc -> assertThat(fc).startsWith("*;").contains("+sip.pns=\"apns\"").contains("+sip.pnspurr="));

                List<Binding> bindings = server.server().locations().lookup("sip:bob@127.0.0.1");
                assertThat(bindings).as("bob's bindings").singleElement().satisfies(b -> {
                    PushParameters push = Registrar.pushParameters(b);
                    assertThat(push).as("push parameters of linphonec's binding").isNotNull();
                    assertThat(push.provider()).isEqualTo("apns");
                    assertThat(push.tokens()).singleElement().satisfies(t -> assertThat(t.token()).isEqualTo(token));
                });
                Flow flow = Flow.parseToken(bindings.get(0).flow());

                // The phone sleeps: the OS suspends the app, its connection closes, it does not unregister.
                phone.sleep();
                await().atMost(Duration.ofSeconds(10)).until(() -> !server.server().transport().isOpen(flow));
            }
            assertThat(server.server().locations().lookup("sip:bob@127.0.0.1")).as("the sleeping phone keeps its binding").hasSize(1);

            String callId = "linphonec-" + UUID.randomUUID();
            try (SippProcess caller = Sipp.scenario("sipp/caller.xml").remote("127.0.0.1", server.port()).transport(PeerTransport.UDP)
                    .service("bob").callId(callId).timeout(Duration.ofSeconds(60)).start()) {
                // sipwake holds the INVITE and sends a VoIP push to the phone's token.
                await().atMost(Duration.ofSeconds(15)).until(() -> !apns.received().isEmpty());
                MockApns.Received push = apns.received().get(0);
                assertThat(push.token()).isEqualTo(token);
                assertThat(push.header("apns-push-type")).isEqualTo("voip");
                assertThat(push.header("apns-topic")).isEqualTo(BUNDLE + ".voip");
                JsonNode payload = push.json();
                assertThat(payload.path("call-id").asText()).isEqualTo(callId);

                // The push wakes the phone: the same linphonec configuration starts again, registers
                // again with the same pn-* parameters and instance, and answers the held call by itself.
                try (Linphonec woken = bob.start()) {
                    SippResult call = caller.awaitResult();
                    assertThat(call).as(woken.describe()).matches(SippResult::succeeded, "the caller's call completed");
                    woken.awaitOutput(" connected.", Duration.ofSeconds(10));
                    Linphonec.Message reRegister = last(woken.sent(m -> m.isRequest("REGISTER")), woken);
                    assertThat(reRegister.header("Contact")).get().asString().as("the woken phone's Contact")
                            .contains(";" + pn).contains("+sip.instance=\"<urn:uuid:" + bob.instance() + ">\"");
                    assertThat(woken.received(m -> m.isResponse(200, "REGISTER"))).as("linphonec registered again").isNotEmpty();
                    Linphonec.Message invite = last(woken.received(m -> m.isRequest("INVITE")), woken);
                    assertThat(invite.header("Call-ID")).hasValue(callId);
                    assertThat(invite.startLine()).as("pn-* never leave sipwake (RFC 8599 §13)").doesNotContain("pn-");
                    assertThat(woken.sent(m -> m.isResponse(200, "INVITE"))).as("linphonec answered").singleElement()
                            .satisfies(answer -> assertThat(answer.text()).as("its SDP answer: media on loopback")
                                    .contains("c=IN IP4 127.0.0.1").doesNotContainPattern("IN IP4 (?!127\\.0\\.0\\.1)"));
                    assertThat(call.received(response(200, "INVITE"))).singleElement()
                            .satisfies(answer -> assertThat(answer.text()).as("the phone's 200 as the caller got it").doesNotContain("pn-"));
                }
            }
            assertThat(apns.received()).as("one push for one device and one call").hasSize(1);
        }
    }

    private static Linphonec.Message last(List<Linphonec.Message> messages, Linphonec phone) {
        assertThat(messages).as(phone.describe()).isNotEmpty();
        return messages.get(messages.size() - 1);
    }
}

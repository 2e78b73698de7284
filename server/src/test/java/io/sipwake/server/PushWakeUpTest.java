package io.sipwake.server;

import static io.sipwake.testing.SippMessage.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.sipwake.proxy.registrar.Registrar;
import io.sipwake.push.apns.testing.MockApns;
import io.sipwake.sip.transport.Flow;
import io.sipwake.store.Binding;
import io.sipwake.testing.PeerTransport;
import io.sipwake.testing.Peers;
import io.sipwake.testing.Sipp;
import io.sipwake.testing.SippProcess;
import io.sipwake.testing.SippResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 8599 end to end: a SIPp phone registers with push parameters and goes to sleep (its TCP
 * connection closes); a call arrives; sipwake sends an APNs VoIP push (to Pushy's MockApnsServer,
 * real HTTP/2 with JWT validation) and holds the INVITE; on that push the test wakes the phone,
 * which registers again on a new connection; the INVITE is forwarded to it at once and the call
 * completes.
 */
class PushWakeUpTest {
    private static final String TEAM = PushTestSupport.TEAM;
    private static final String BUNDLE = PushTestSupport.BUNDLE;
    private static final String TOKEN = "00fc13adff785122b4ad28809a3420982341241421348097878e577c991de8f0";
    private static final String PN = ";pn-provider=apns;pn-param=" + TEAM + "." + BUNDLE + ".voip;pn-prid=" + TOKEN;

    @Test
    void sleepingPhoneIsWokenByAVoipPushAndTheCallCompletes_RFC8599_5_6_2(@TempDir Path dir) throws Exception {
        Peers.require("sipp");
        java.nio.file.Files.createDirectories(dir.resolve("apns"));
        try (MockApns apns = MockApns.start(dir.resolve("apns"), TEAM, PushTestSupport.KEY_ID, Set.of(BUNDLE));
                TestServer server = TestServer.start(dir, "", "", PushTestSupport.pushConfig(apns, "30s"))) {
            apns.allow(BUNDLE + ".voip", TOKEN);
            int port = server.port();

            // The phone registers with its push parameters, then sleeps: its connection closes.
            SippResult registration = Sipp.scenario("sipp/register-push.xml").remote("127.0.0.1", port).transport(PeerTransport.TCP)
                    .service("bob").auth("bob", TestServer.PASSWORD).key("pn", PN).run();
            assertThat(registration).matches(SippResult::succeeded, "registered with push parameters, Feature-Caps in the 200");
            List<Binding> bindings = server.server().locations().lookup("sip:bob@127.0.0.1");
            assertThat(bindings).singleElement().satisfies(b -> assertThat(Registrar.pushParameters(b)).isNotNull());
            Flow sleepingFlow = Flow.parseToken(bindings.get(0).flow());
            await().atMost(Duration.ofSeconds(10)).until(() -> !server.server().transport().isOpen(sleepingFlow));

            String callId = "wake-" + UUID.randomUUID();
            try (SippProcess caller = Sipp.scenario("sipp/caller.xml").remote("127.0.0.1", port).transport(PeerTransport.UDP)
                    .service("bob").callId(callId).timeout(Duration.ofSeconds(40)).start()) {
                // sipwake pushes: a VoIP push CallKit can act on at once
                await().atMost(Duration.ofSeconds(15)).until(() -> !apns.received().isEmpty());
                MockApns.Received push = apns.received().get(0);
                assertThat(push.token()).isEqualTo(TOKEN);
                assertThat(push.header("apns-push-type")).isEqualTo("voip");
                assertThat(push.header("apns-topic")).isEqualTo(BUNDLE + ".voip");
                assertThat(push.header("apns-priority")).isEqualTo("10");
                assertThat(push.header("apns-expiration")).isNotNull();
                JsonNode payload = push.json();
                assertThat(payload.path("call-id").asText()).isEqualTo(callId);
                assertThat(payload.path("caller").asText()).startsWith("sip:");
                assertThat(payload.path("uuid").asText()).isNotEmpty();
                assertThat(payload.has("sent-at")).isTrue();

                // The push wakes the phone: it registers again on a new connection and answers.
                try (SippProcess phone = Sipp.scenario("sipp/callee-push.xml").remote("127.0.0.1", port).transport(PeerTransport.TCP)
                        .service("bob").auth("bob", TestServer.PASSWORD).key("pn", PN).callId(callId).start()) {
                    SippResult call = caller.awaitResult();
                    SippResult woken = phone.awaitResult();
                    assertThat(call).matches(SippResult::succeeded, "the caller's call completed");
                    assertThat(woken).matches(SippResult::succeeded, "the woken phone answered");
                    assertThat(woken.received(request("INVITE"))).singleElement().satisfies(invite ->
                            assertThat(invite.startLine()).as("pn-* never leave sipwake (RFC 8599 §13)").doesNotContain("pn-"));
                }
            }
            assertThat(apns.received()).as("one push for one device and one call").hasSize(1);
        }
    }
}

package io.sipwake.server;

import static io.sipwake.testing.SippMessage.request;
import static io.sipwake.testing.SippMessage.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sipwake.push.webpush.testing.FakeWebPushServer;
import io.sipwake.push.webpush.testing.TestVapidKeys;
import io.sipwake.sip.transport.Flow;
import io.sipwake.store.Binding;
import io.sipwake.testing.PeerTransport;
import io.sipwake.testing.Peers;
import io.sipwake.testing.Sipp;
import io.sipwake.testing.SippProcess;
import io.sipwake.testing.SippResult;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 8599 with WebPush (§12): a web or UnifiedPush phone registers its push subscription URI as pn-prid; the
 * 200 tells it sipwake's VAPID key ({@code +sip.vapid}, §5.6.1.1) so it can restrict its subscription to sipwake;
 * a call for the sleeping phone becomes a VAPID-signed push to its push service (a double that checks RFC 8030 and
 * RFC 8292), the phone registers again and the call completes.
 */
class WebPushWakeUpTest {

    @Test
    void aSleepingWebPushPhoneIsWokenByAVapidSignedPushAndTheCallCompletes_RFC8599_12(@TempDir Path dir) throws Exception {
        Peers.require("sipp");
        Path vapid = dir.resolve("vapid.pem");
        String publicKey = TestVapidKeys.write(vapid);
        try (FakeWebPushServer service = FakeWebPushServer.start();
                TestServer server = TestServer.start(dir, "", "", "push:\n"
                        + "  min-expires: 121\n"
                        + "  webpush:\n"
                        + "    vapid-private-key: " + vapid + "\n"
                        + "    subject: mailto:ops@example.com\n"
                        + "    allow-hosts: [127.0.0.0/8]\n")) {
            URI subscription = service.subscribe(publicKey); // restricted to sipwake's key, as §5.6.1.1 allows
            String pn = ";pn-provider=webpush;pn-prid=" + subscription;
            int port = server.port();

            SippResult registration = Sipp.scenario("sipp/register-push.xml").remote("127.0.0.1", port).transport(PeerTransport.TCP)
                    .service("carol").auth("carol", TestServer.PASSWORD).key("pn", pn).run();
            assertThat(registration).matches(SippResult::succeeded, "registered with a WebPush subscription");
            assertThat(registration.received(response(200, "REGISTER"))).last()
                    .satisfies(ok -> assertThat(ok.header("Feature-Caps")).hasValueSatisfying(caps -> assertThat(caps)
                            .contains("+sip.pns=\"webpush\"").contains("+sip.vapid=\"" + publicKey + "\"")));
            List<Binding> bindings = server.server().locations().lookup("sip:carol@127.0.0.1");
            Flow sleeping = Flow.parseToken(bindings.get(0).flow());
            await().atMost(Duration.ofSeconds(10)).until(() -> !server.server().transport().isOpen(sleeping));

            String callId = "webpush-" + UUID.randomUUID();
            try (SippProcess caller = Sipp.scenario("sipp/caller.xml").remote("127.0.0.1", port).transport(PeerTransport.UDP)
                    .service("carol").callId(callId).timeout(Duration.ofSeconds(40)).start()) {
                await().atMost(Duration.ofSeconds(15)).until(() -> !service.received().isEmpty());
                FakeWebPushServer.Received push = service.received().get(0);
                assertThat(push.subscription()).isEqualTo(subscription);
                assertThat(push.header("Urgency")).isEqualTo("high");
                assertThat(push.vapidClaims().path("aud").asText()).isEqualTo(service.origin());

                try (SippProcess phone = Sipp.scenario("sipp/callee-push.xml").remote("127.0.0.1", port).transport(PeerTransport.TCP)
                        .service("carol").auth("carol", TestServer.PASSWORD).key("pn", pn).callId(callId).start()) {
                    assertThat(caller.awaitResult()).matches(SippResult::succeeded, "the call completed");
                    SippResult woken = phone.awaitResult();
                    assertThat(woken).matches(SippResult::succeeded, "the woken phone answered");
                    assertThat(woken.received(request("INVITE"))).singleElement()
                            .satisfies(invite -> assertThat(invite.startLine()).doesNotContain("pn-prid"));
                }
            }
            assertThat(service.received()).as("one push for one call").hasSize(1);
        }
    }
}

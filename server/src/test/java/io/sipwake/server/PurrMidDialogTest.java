package io.sipwake.server;

import static io.sipwake.server.PushTestSupport.BUNDLE;
import static io.sipwake.server.PushTestSupport.KEY_ID;
import static io.sipwake.server.PushTestSupport.TEAM;
import static io.sipwake.server.PushTestSupport.awaitPushes;
import static io.sipwake.server.PushTestSupport.linphonePn;
import static io.sipwake.server.PushTestSupport.newToken;
import static io.sipwake.server.PushTestSupport.pushConfig;
import static io.sipwake.testing.SippMessage.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sipwake.push.apns.testing.MockApns;
import io.sipwake.server.PushTestSupport.UdpCaller;
import io.sipwake.sip.transport.Flow;
import io.sipwake.testing.PeerTransport;
import io.sipwake.testing.Peers;
import io.sipwake.testing.Sipp;
import io.sipwake.testing.SippProcess;
import io.sipwake.testing.SippResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 8599 §6: a phone in a long dialog falls asleep; a mid-dialog request names it by the PURR it put in its
 * Contact (pn-purr), sipwake pushes it, holds the request and delivers it over the phone's new connection.
 */
class PurrMidDialogTest {
    private static final Duration ANSWER = Duration.ofSeconds(10);

    @Test
    void aMidDialogRequestForASleepingPhoneIsHeldByItsPurrAndDeliveredWhenThePhoneWakes_RFC8599_6_2_3(@TempDir Path dir) throws Exception {
        Peers.require("sipp");
        String voip = newToken();
        String remote = newToken();
        String pn = linphonePn(voip, remote);
        try (MockApns apns = MockApns.start(Files.createDirectories(dir.resolve("apns")), TEAM, KEY_ID, Set.of(BUNDLE));
                TestServer server = TestServer.start(dir, "", "", pushConfig(apns, "30s"))) {
            apns.allow(BUNDLE + ".voip", voip).allow(BUNDLE, remote);
            String callId = "purr-" + UUID.randomUUID();
            try (UdpCaller caller = new UdpCaller(server.port(), "bob", callId)) {
                // The phone is awake: it registers, answers with its PURR in the Contact, gets the ACK, then sleeps.
                String ok;
                try (SippProcess phone = Sipp.scenario("sipp/callee-push-purr.xml").remote("127.0.0.1", server.port())
                        .transport(PeerTransport.TCP).service("bob").auth("bob", TestServer.PASSWORD).key("pn", pn).callId(callId).start()) {
                    await().atMost(ANSWER).until(() -> !server.server().locations().lookup("sip:bob@127.0.0.1").isEmpty());
                    caller.invite();
                    ok = caller.awaitResponse(200, "INVITE", ANSWER);
                    assertThat(UdpCaller.header(ok, "Contact")).as("the PURR reaches the peer; push tokens do not (§6.2.2, §13)")
                            .hasValueSatisfying(c -> assertThat(c).contains("pn-purr=").doesNotContain("pn-prid"));
                    caller.inDialog(ok, "ACK", 1);
                    assertThat(phone.awaitResult()).matches(SippResult::succeeded, "answered with its PURR, then slept");
                }
                Flow sleeping = Flow.parseToken(server.server().locations().lookup("sip:bob@127.0.0.1").get(0).flow());
                await().atMost(ANSWER).until(() -> !server.server().transport().isOpen(sleeping));

                // The caller hangs up while the phone sleeps: the BYE is held and the phone pushed (not a VoIP push).
                caller.inDialog(ok, "BYE", 2);
                var push = awaitPushes(apns, 1).get(0);
                assertThat(push.token()).as("an alert push: this is no new call").isEqualTo(remote);
                try (SippProcess woken = Sipp.scenario("sipp/callee-push-purr-woken.xml").remote("127.0.0.1", server.port())
                        .transport(PeerTransport.TCP).service("bob").auth("bob", TestServer.PASSWORD).key("pn", pn).callId(callId).start()) {
                    caller.awaitResponse(200, "BYE", Duration.ofSeconds(15));
                    SippResult result = woken.awaitResult();
                    assertThat(result).matches(SippResult::succeeded, "the woken phone got the held BYE");
                    assertThat(result.received(request("BYE"))).hasSize(1);
                }
            }
        }
    }
}

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 8599 §6: a phone in a long dialog falls asleep; a mid-dialog request names it by the PURR it put in its
 * Contact (pn-purr), sipwake pushes it, holds the request and delivers it over the phone's new connection.
 */
class PurrMidDialogTest {
    private static final Duration ANSWER = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final String voip = newToken();
    private final String remote = newToken();
    private final String pn = linphonePn(voip, remote);
    private MockApns apns;
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        Peers.require("sipp");
        apns = MockApns.start(Files.createDirectories(dir.resolve("apns")), TEAM, KEY_ID, Set.of(BUNDLE));
        apns.allow(BUNDLE + ".voip", voip).allow(BUNDLE, remote);
        server = TestServer.start(dir, "", "", pushConfig(apns, "30s"));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
        if (apns != null) apns.close();
    }

    /** The phone answers {@code caller}'s call with its PURR in the Contact, then sleeps; returns the 200. */
    private static String answerWithPurrThenSleep(TestServer server, UdpCaller caller, String pn) {
        String ok;
        try (SippProcess phone = Sipp.scenario("sipp/callee-push-purr.xml").remote("127.0.0.1", server.port())
                .transport(PeerTransport.TCP).service("bob").auth("bob", TestServer.PASSWORD).key("pn", pn).callId(caller.callId()).start()) {
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
        return ok;
    }

    @Test
    void anInviteWithReplacesAimedAtASleepingPhonesDialogContactIsHeldByItsPurr_RFC8599_7() throws Exception {
        String callId = "purr-" + UUID.randomUUID();
        try (UdpCaller caller = new UdpCaller(server.port(), "bob", callId);
                UdpCaller transferTarget = new UdpCaller(server.port(), "bob", "replacing-" + UUID.randomUUID())) {
            String ok = answerWithPurrThenSleep(server, caller, pn);
            String contact = UdpCaller.header(ok, "Contact").orElseThrow();
            String phoneContact = contact.substring(contact.indexOf('<') + 1, contact.indexOf('>'));
            String toTag = UdpCaller.header(ok, "To").orElseThrow().replaceAll(".*;tag=", "");
            String fromTag = UdpCaller.header(ok, "From").orElseThrow().replaceAll(".*;tag=", "");
            transferTarget.inviteTo(phoneContact, "Replaces: " + callId + ";to-tag=" + toTag + ";from-tag=" + fromTag + "\r\n");
            assertThat(awaitPushes(apns, 1).get(0).token()).as("an alert push").isEqualTo(remote);
            try (SippProcess woken = Sipp.scenario("sipp/callee-push-purr-woken-replaces.xml").remote("127.0.0.1", server.port())
                    .transport(PeerTransport.TCP).service("bob").auth("bob", TestServer.PASSWORD).key("pn", pn)
                    .callId(transferTarget.callId()).start()) {
                String answer = transferTarget.awaitFinalResponse(Duration.ofSeconds(15));
                transferTarget.ack(answer);
                assertThat(UdpCaller.status(answer)).as("the woken phone's own answer").isEqualTo(603);
                assertThat(woken.awaitResult()).matches(SippResult::succeeded, "the woken phone got the INVITE with Replaces");
            }
        }
    }

    @Test
    void aMidDialogRequestForASleepingPhoneIsHeldByItsPurrAndDeliveredWhenThePhoneWakes_RFC8599_6_2_3() throws Exception {
        String callId = "purr-" + UUID.randomUUID();
        try (UdpCaller caller = new UdpCaller(server.port(), "bob", callId)) {
            String ok = answerWithPurrThenSleep(server, caller, pn);

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

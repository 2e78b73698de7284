package io.sipwake.server;

import static io.sipwake.server.PushTestSupport.BUNDLE;
import static io.sipwake.server.PushTestSupport.KEY_ID;
import static io.sipwake.server.PushTestSupport.TEAM;
import static io.sipwake.server.PushTestSupport.aor;
import static io.sipwake.server.PushTestSupport.awaitPushes;
import static io.sipwake.server.PushTestSupport.linphonePn;
import static io.sipwake.server.PushTestSupport.newToken;
import static io.sipwake.server.PushTestSupport.pushConfig;
import static io.sipwake.server.PushTestSupport.registerAndSleep;
import static io.sipwake.testing.SippMessage.request;
import static io.sipwake.testing.SippMessage.response;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.push.apns.testing.MockApns;
import io.sipwake.server.PushTestSupport.UdpCaller;
import io.sipwake.store.Binding;
import io.sipwake.testing.PeerTransport;
import io.sipwake.testing.Peers;
import io.sipwake.testing.Sipp;
import io.sipwake.testing.SippProcess;
import io.sipwake.testing.SippResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What becomes of a request held for a sleeping phone (RFC 8599 §5.6.2), end to end with SIPp
 * phones and Pushy's MockApnsServer: the Bucket Timer fires, the caller cancels, the token is dead,
 * a second device of the user is awake, or the request is a MESSAGE.
 *
 * <p>The push phone uses Linphone iOS's two tokens (a PushKit token for calls, a remote-notification
 * token for alerts), so both the VoIP push of a call and the alert pushes that must never be VoIP
 * (cancel, message) can be seen at the mock.
 */
class PushOutcomesTest {
    private static final Duration REGISTERED = Duration.ofSeconds(15);
    private static final Duration ANSWER = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final String voipToken = newToken();
    private final String remoteToken = newToken();
    private final String pn = linphonePn(voipToken, remoteToken);
    private MockApns apns;
    private TestServer server;

    @BeforeEach
    void startApns() throws Exception {
        Peers.require("sipp");
        apns = MockApns.start(Files.createDirectories(dir.resolve("apns")), TEAM, KEY_ID, Set.of(BUNDLE));
        apns.allow(BUNDLE + ".voip", voipToken).allow(BUNDLE, remoteToken);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
        if (apns != null) apns.close();
    }

    private TestServer startServer(String callTimeout) {
        server = TestServer.start(dir, "", "", pushConfig(apns, callTimeout));
        return server;
    }

    /**
     * With {@code push.late-invite-cancel}, a phone that wakes after its call ended still gets the
     * INVITE, so that CallKit can show the call, and then at once a CANCEL whose Reason says why it
     * ended (Flexisip's answer to "there is no way to ask an iOS device to stop ringing").
     */
    @Test
    void phoneThatWakesAfterTheCallEndedGetsTheInviteThenACancelWithReason() {
        server = TestServer.start(dir, "", "", pushConfig(apns, "30s") + "  late-invite-cancel: true\n");
        registerAndSleep(server, "bob", pn);
        String callId = "late-" + UUID.randomUUID();
        try (UdpCaller caller = new UdpCaller(server.port(), "bob", callId)) {
            caller.invite();
            caller.awaitResponse(100, "INVITE", ANSWER);
            awaitPushes(apns, 1);
            caller.cancel();
            String answer = caller.awaitFinalResponse(Duration.ofSeconds(15));
            caller.ack(answer);
            assertThat(UdpCaller.status(answer)).isEqualTo(487);
        }
        try (SippProcess phone = Sipp.scenario("sipp/callee-ring-forever-push.xml").remote("127.0.0.1", server.port())
                .transport(PeerTransport.TCP).service("bob").auth("bob", TestServer.PASSWORD).key("pn", pn).callId(callId).start()) {
            SippResult woken = phone.awaitResult();
            assertThat(woken).matches(SippResult::succeeded, "the late phone got the INVITE, then the CANCEL");
            assertThat(woken.received(request("CANCEL"))).singleElement()
                    .satisfies(cancel -> assertThat(cancel.header("Reason")).hasValueSatisfying(r -> assertThat(r).startsWith("SIP;cause=487")));
        }
    }

    @Test
    void aLatePhoneThatAnswersBeforeItsCancelArrivesIsAckedAndHungUpBySipwake() {
        server = TestServer.start(dir, "", "", pushConfig(apns, "30s") + "  late-invite-cancel: true\n");
        registerAndSleep(server, "bob", pn);
        String callId = "late-answer-" + UUID.randomUUID();
        try (UdpCaller caller = new UdpCaller(server.port(), "bob", callId)) {
            caller.invite();
            caller.awaitResponse(100, "INVITE", ANSWER);
            awaitPushes(apns, 1);
            caller.cancel();
            caller.ack(caller.awaitFinalResponse(Duration.ofSeconds(15)));
        }
        try (SippProcess phone = Sipp.scenario("sipp/callee-push-answer-at-once.xml").remote("127.0.0.1", server.port())
                .transport(PeerTransport.TCP).service("bob").auth("bob", TestServer.PASSWORD).key("pn", pn).callId(callId).start()) {
            SippResult woken = phone.awaitResult();
            assertThat(woken).matches(SippResult::succeeded, "the late phone's 200 was ACKed and its call ended with a BYE");
            assertThat(woken.received(request("BYE"))).singleElement()
                    .satisfies(bye -> assertThat(bye.header("Reason")).hasValueSatisfying(r -> assertThat(r).startsWith("SIP;cause=487")));
        }
    }

    /**
     * With {@code push.missed-call-push}, a caller who gives up while the phone is still waking
     * leaves a user-visible missed-call alert (never a VoIP push) next to the cancel push, and the
     * call's timeline can be looked up by its Call-ID.
     */
    @Test
    void callerWhoGivesUpLeavesAMissedCallPushAndATrace() {
        server = TestServer.start(dir, "", "", pushConfig(apns, "30s") + "  missed-call-push: true\n");
        registerAndSleep(server, "bob", pn);
        try (UdpCaller caller = new UdpCaller(server.port(), "bob", "missed-" + UUID.randomUUID())) {
            caller.invite();
            caller.awaitResponse(100, "INVITE", ANSWER);
            awaitPushes(apns, 1);
            caller.cancel();
            String answer = caller.awaitFinalResponse(Duration.ofSeconds(15));
            caller.ack(answer);
            assertThat(UdpCaller.status(answer)).isEqualTo(487);
            List<MockApns.Received> pushes = awaitPushes(apns, 3);
            assertThat(pushes).extracting(p -> p.json().path("kind").asText())
                    .containsExactly("call", "call-cancelled", "missed-call");
            assertThat(pushes.subList(1, 3)).allSatisfy(p -> assertThat(p.header("apns-push-type")).isEqualTo("alert"));
            // the provider's answer may land after the outcome: the trace is a live view, so wait for it
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(server.server().pushTraces().find(caller.callId())).singleElement().satisfies(trace ->
                            assertThat(String.join(", ", trace.timeline()))
                                    .contains("received INVITE", "push sent", "push accepted", "caller gave up")));
        }
    }

    /**
     * §5.6.2: "If the Bucket Timer expires before the SIP request has been forwarded, the proxy
     * MUST reject the request with a 480 (Temporarily Unavailable) response." The push went out;
     * the binding stays (a phone that did not wake in time is not a dead token).
     */
    @Test
    void anOptionsPingForASleepingPhoneIsAnswered480AndNeverPushesIt() {
        startServer("30s");
        registerAndSleep(server, "bob", pn);
        try (UdpCaller pinger = new UdpCaller(server.port(), "bob", "ping-" + UUID.randomUUID())) {
            pinger.options();
            pinger.awaitResponse(480, "OPTIONS", ANSWER);
        }
        assertThat(apns.received()).as("a qualify ping must not drain the phone's battery").isEmpty();
    }

    @Test
    void aWokenPhoneWhoseRegistrationIsRefusedEndsTheHeldCallAtOnceWith480_5_6_2() {
        startServer("30s");
        registerAndSleep(server, "bob", pn);
        try (UdpCaller caller = new UdpCaller(server.port(), "bob", "refused-" + UUID.randomUUID())) {
            caller.invite();
            caller.awaitResponse(100, "INVITE", ANSWER);
            awaitPushes(apns, 1);
            // the phone wakes, but its password was changed meanwhile: 403, not a challenge it can answer
            Sipp.scenario("sipp/register-push.xml").remote("127.0.0.1", server.port()).transport(PeerTransport.TCP)
                    .service("bob").auth("bob", "not-the-password").key("pn", pn).timeout(Duration.ofSeconds(10)).run();
            String answer = caller.awaitFinalResponse(ANSWER);
            caller.ack(answer);
            assertThat(UdpCaller.status(answer)).as("no need to wait 30 s for the Bucket Timer:\n%s", answer).isEqualTo(480);
        }
    }

    @Test
    void phoneThatNeverWakesGives480WhenTheBucketTimerFires_5_6_2() {
        startServer("2s");
        registerAndSleep(server, "bob", pn);

        try (UdpCaller caller = new UdpCaller(server.port(), "bob", "timeout-" + UUID.randomUUID())) {
            caller.invite();
            caller.awaitResponse(100, "INVITE", ANSWER);
            String answer = caller.awaitFinalResponse(Duration.ofSeconds(15));
            caller.ack(answer);

            assertThat(UdpCaller.status(answer)).as("the Bucket Timer's answer:\n%s", answer).isEqualTo(480);
            assertThat(UdpCaller.header(answer, "To")).as("RFC 3261 §8.2.6.2").hasValueSatisfying(to -> assertThat(to).contains(";tag="));
            assertThat(caller.received()).as("nothing but 100 before the 480")
                    .filteredOn(m -> UdpCaller.status(m) > 100 && UdpCaller.status(m) < 200).isEmpty();
            assertThat(apns.received()).singleElement().satisfies(push -> {
                assertThat(push.token()).isEqualTo(voipToken);
                assertThat(push.header("apns-push-type")).isEqualTo("voip");
                assertThat(push.json().path("call-id").asText()).isEqualTo(caller.callId());
            });
        }
        assertThat(server.server().locations().lookup(aor("bob"))).as("the binding is kept").hasSize(1);
    }

    /**
     * §5.6.2 and RFC 3261 §16.10: a CANCEL while the INVITE is held ends it with 487, and the
     * device, which was already pushed, is told that the call is over by an alert push (never a
     * VoIP one) with the same CallKit UUID, so it does not ring on. When it wakes anyway, no INVITE
     * reaches it.
     */
    @Test
    void cancelWhileHeldGives487AndACancelPush() {
        startServer("30s");
        registerAndSleep(server, "bob", pn);
        String callId = "cancel-" + UUID.randomUUID();

        try (UdpCaller caller = new UdpCaller(server.port(), "bob", callId)) {
            caller.invite();
            caller.awaitResponse(100, "INVITE", ANSWER);
            MockApns.Received call = awaitPushes(apns, 1).get(0);
            assertThat(call.header("apns-push-type")).isEqualTo("voip");

            caller.cancel();
            caller.awaitResponse(200, "CANCEL", ANSWER);
            String terminated = caller.awaitResponse(487, "INVITE", ANSWER);
            caller.ack(terminated);
            assertThat(UdpCaller.header(terminated, "To")).as("RFC 3261 §8.2.6.2").hasValueSatisfying(to -> assertThat(to).contains(";tag="));

            List<MockApns.Received> pushes = awaitPushes(apns, 2);
            assertThat(pushes).hasSize(2);
            MockApns.Received cancelled = pushes.get(1);
            assertThat(cancelled.token()).as("the remote-notification token").isEqualTo(remoteToken);
            assertThat(cancelled.header("apns-push-type")).isEqualTo("alert");
            assertThat(cancelled.header("apns-topic")).isEqualTo(BUNDLE);
            assertThat(cancelled.json().path("kind").asText()).isEqualTo("call-cancelled");
            assertThat(cancelled.json().path("call-id").asText()).isEqualTo(callId);
            assertThat(cancelled.json().path("uuid").asText()).as("the call's CallKit UUID").isEqualTo(call.json().path("uuid").asText());
            assertThat(caller.received()).as("only one final response to the INVITE (retransmissions aside)")
                    .filteredOn(m -> UdpCaller.status(m) >= 200 && "INVITE".equals(UdpCaller.cseqMethod(m)))
                    .allSatisfy(m -> assertThat(UdpCaller.status(m)).isEqualTo(487));
        }

        // The phone wakes after all: the cancelled INVITE must not reach it. It registers on a new
        // connection, then gets a MESSAGE over it; an INVITE released by that REGISTER would come first.
        String wakeId = "late-" + UUID.randomUUID();
        try (SippProcess phone = Sipp.scenario("sipp/callee-request-push.xml").remote("127.0.0.1", server.port())
                .transport(PeerTransport.TCP).service("bob").auth("bob", TestServer.PASSWORD).key("pn", pn).callId(wakeId).start()) {
            phone.awaitReceived(response(200, "REGISTER"), REGISTERED);
            SippResult sender = Sipp.scenario("sipp/message.xml").remote("127.0.0.1", server.port()).transport(PeerTransport.UDP)
                    .service("bob").callId(wakeId).run();
            SippResult woken = phone.awaitResult();
            assertThat(sender).matches(SippResult::succeeded, "the MESSAGE reached the awake phone");
            assertThat(woken).matches(SippResult::succeeded, "the woken phone got the MESSAGE and nothing before it");
            assertThat(woken.received(request("INVITE"))).isEmpty();
        }
        assertThat(apns.received()).as("no push for the MESSAGE to the phone that is awake now").hasSize(2);
    }

    /**
     * §5.6.2 and RFC 8599 §14.2 (APNs): a push that fails because the token is no longer valid
     * (410 Unregistered) ends the held request at once, not at the Bucket Timer, with 404, and
     * removes the binding, which can never be woken again.
     */
    @Test
    void deadTokenPrunesTheBindingAndTheCallerGets404AtOnce_410Unregistered() {
        startServer("60s"); // far longer than the wait for the answer below
        registerAndSleep(server, "bob", pn);
        apns.unregister(voipToken, Instant.now().minusSeconds(60));

        try (UdpCaller caller = new UdpCaller(server.port(), "bob", "dead-" + UUID.randomUUID())) {
            caller.invite();
            caller.awaitResponse(100, "INVITE", ANSWER);
            String answer = caller.awaitFinalResponse(Duration.ofSeconds(10));
            caller.ack(answer);

            assertThat(UdpCaller.status(answer)).as("the answer to a call for a dead token:\n%s", answer).isEqualTo(404);
            assertThat(UdpCaller.header(answer, "To")).as("RFC 3261 §8.2.6.2").hasValueSatisfying(to -> assertThat(to).contains(";tag="));
            assertThat(apns.received()).singleElement().satisfies(push -> assertThat(push.token()).isEqualTo(voipToken));
        }
        assertThat(server.server().locations().lookup(aor("bob"))).as("the dead token's binding is pruned").isEmpty();
    }

    /**
     * §5.6.2 with RFC 3261 §16.7 step 10: the awake phone of the user is rung at once while the
     * sleeping one is pushed; the awake one answers, so the call is complete: the sleeping device's
     * held branch ends and it gets a cancel push instead of ringing later. The caller gets one 2xx.
     */
    @Test
    void oneDeviceAwakeOnePushed_answerOnTheAwakeOneCancelsThePushedOne_5_6_2() {
        startServer("30s");
        Binding sleeping = registerAndSleep(server, "bob", pn);
        String callId = "awake-answers-" + UUID.randomUUID();

        try (SippProcess awake = Sipp.scenario("sipp/callee.xml").remote("127.0.0.1", server.port()).transport(PeerTransport.TCP)
                .service("bob").auth("bob", TestServer.PASSWORD).callId(callId).start()) {
            awake.awaitReceived(response(200, "REGISTER"), REGISTERED);
            assertThat(server.server().locations().lookup(aor("bob"))).as("the sleeping and the awake device").hasSize(2)
                    .anySatisfy(b -> assertThat(b.bindingKey()).isEqualTo(sleeping.bindingKey()));

            SippResult caller = Sipp.scenario("sipp/caller.xml").remote("127.0.0.1", server.port()).transport(PeerTransport.UDP)
                    .service("bob").callId(callId).run();
            SippResult answered = awake.awaitResult();

            assertThat(caller).matches(SippResult::succeeded, "the caller's call completed");
            assertThat(answered).matches(SippResult::succeeded, "the awake phone answered");
            assertThat(caller.received(response(200, "INVITE"))).as("one 2xx").hasSize(1);
        }
        List<MockApns.Received> pushes = awaitPushes(apns, 2);
        assertThat(pushes).as("one VoIP push and one cancel push").hasSize(2);
        assertThat(pushes).filteredOn(p -> "voip".equals(p.header("apns-push-type"))).singleElement()
                .satisfies(p -> assertThat(p.token()).isEqualTo(voipToken));
        assertThat(pushes).filteredOn(p -> "alert".equals(p.header("apns-push-type"))).singleElement().satisfies(p -> {
            assertThat(p.token()).isEqualTo(remoteToken);
            assertThat(p.header("apns-topic")).isEqualTo(BUNDLE);
            assertThat(p.json().path("kind").asText()).isEqualTo("call-cancelled");
            assertThat(p.json().path("call-id").asText()).isEqualTo(callId);
        });
    }

    /**
     * §5.6.2: the woken device becomes a late branch of the call; when it answers, the awake
     * phone, still ringing, is cancelled with {@code Reason: SIP;cause=200;text="Call completed
     * elsewhere"} (RFC 3326). No cancel push: the pushed device took the call.
     */
    @Test
    void oneDeviceAwakeOnePushed_answerOnTheWokenOneCancelsTheAwakeOne() {
        startServer("30s");
        registerAndSleep(server, "bob", pn);
        String callId = "woken-answers-" + UUID.randomUUID();

        try (SippProcess ringing = Sipp.scenario("sipp/callee-ring-forever.xml").remote("127.0.0.1", server.port())
                .transport(PeerTransport.TCP).service("bob").auth("bob", TestServer.PASSWORD).callId(callId).start()) {
            ringing.awaitReceived(response(200, "REGISTER"), REGISTERED);
            try (SippProcess caller = Sipp.scenario("sipp/caller.xml").remote("127.0.0.1", server.port()).transport(PeerTransport.UDP)
                    .service("bob").callId(callId).timeout(Duration.ofSeconds(40)).start()) {
                ringing.awaitReceived(request("INVITE"), ANSWER); // rung at once, while the other device is pushed
                MockApns.Received push = awaitPushes(apns, 1).get(0);
                assertThat(push.header("apns-push-type")).isEqualTo("voip");
                assertThat(push.json().path("call-id").asText()).isEqualTo(callId);

                try (SippProcess woken = Sipp.scenario("sipp/callee-push.xml").remote("127.0.0.1", server.port())
                        .transport(PeerTransport.TCP).service("bob").auth("bob", TestServer.PASSWORD).key("pn", pn).callId(callId).start()) {
                    SippResult call = caller.awaitResult();
                    SippResult answered = woken.awaitResult();
                    SippResult other = ringing.awaitResult();

                    assertThat(call).matches(SippResult::succeeded, "the caller's call completed");
                    assertThat(answered).matches(SippResult::succeeded, "the woken phone answered");
                    assertThat(other).matches(SippResult::succeeded, "the awake phone rang and was cancelled");
                    assertThat(other.received(request("CANCEL"))).singleElement().satisfies(cancel ->
                            assertThat(cancel.header("Reason")).hasValue("SIP;cause=200;text=\"Call completed elsewhere\""));
                    assertThat(call.received(response(200, "INVITE"))).as("one 2xx").hasSize(1);
                    assertThat(answered.received(request("INVITE"))).singleElement().satisfies(invite ->
                            assertThat(invite.startLine()).as("pn-* never leave sipwake (RFC 8599 §13)").doesNotContain("pn-"));
                }
            }
        }
        assertThat(apns.received()).as("the call's one push, no cancel push").hasSize(1);
    }

    /**
     * §5.6.2 for a non-INVITE request: a MESSAGE for a sleeping phone is held while an alert push
     * (never a VoIP push, which iOS reserves for calls; mutable-content so the app can show the
     * text) wakes the phone, then delivered over its new connection; the sender gets the phone's 200.
     */
    @Test
    void aMessageForASleepingPhoneIsHeldAndDeliveredAfterItWakes() {
        startServer("30s");
        registerAndSleep(server, "bob", pn);
        String callId = "message-" + UUID.randomUUID();

        try (SippProcess sender = Sipp.scenario("sipp/message.xml").remote("127.0.0.1", server.port()).transport(PeerTransport.UDP)
                .service("bob").callId(callId).start()) {
            MockApns.Received push = awaitPushes(apns, 1).get(0);
            assertThat(push.token()).isEqualTo(remoteToken);
            assertThat(push.header("apns-push-type")).isEqualTo("alert");
            assertThat(push.header("apns-topic")).isEqualTo(BUNDLE);
            assertThat(push.json().path("kind").asText()).isEqualTo("message");
            assertThat(push.json().path("aps").path("mutable-content").asInt()).isEqualTo(1);
            assertThat(push.json().path("call-id").asText()).isEqualTo(callId);

            try (SippProcess phone = Sipp.scenario("sipp/callee-request-push.xml").remote("127.0.0.1", server.port())
                    .transport(PeerTransport.TCP).service("bob").auth("bob", TestServer.PASSWORD).key("pn", pn).callId(callId).start()) {
                SippResult sent = sender.awaitResult();
                SippResult woken = phone.awaitResult();
                assertThat(sent).matches(SippResult::succeeded, "the sender got the phone's 200");
                assertThat(woken).matches(SippResult::succeeded, "the woken phone got the MESSAGE");
                assertThat(woken.received(request("MESSAGE"))).singleElement().satisfies(message -> {
                    assertThat(message.startLine()).as("pn-* never leave sipwake (RFC 8599 §13)").doesNotContain("pn-");
                    assertThat(message.text()).contains("Hello from SIPp");
                });
            }
        }
        assertThat(apns.received()).as("one push").hasSize(1);
    }

    /**
     * §5.6.2 with RFC 8599 §10: a phone that registered only a remote-notification token (no
     * PushKit token) is told of a call by an alert push on the bare bundle topic, since APNs only
     * accepts a VoIP push for a PushKit token; woken by it, the phone takes the call.
     */
    @Test
    void aCallForAPhoneWithOnlyARemoteTokenIsAnnouncedByAnAlertPush_10() {
        startServer("30s");
        String remoteOnly = ";pn-provider=apns;pn-param=" + TEAM + "." + BUNDLE + ".remote;pn-prid=" + remoteToken;
        registerAndSleep(server, "bob", remoteOnly);
        String callId = "remote-only-" + UUID.randomUUID();

        try (SippProcess caller = Sipp.scenario("sipp/caller.xml").remote("127.0.0.1", server.port()).transport(PeerTransport.UDP)
                .service("bob").callId(callId).timeout(Duration.ofSeconds(40)).start()) {
            MockApns.Received push = awaitPushes(apns, 1).get(0);
            assertThat(push.token()).isEqualTo(remoteToken);
            assertThat(push.header("apns-push-type")).isEqualTo("alert");
            assertThat(push.header("apns-topic")).isEqualTo(BUNDLE);
            assertThat(push.json().path("kind").asText()).isEqualTo("call");
            assertThat(push.json().path("aps").path("alert").isObject()).as("a visible incoming-call alert").isTrue();

            try (SippProcess phone = Sipp.scenario("sipp/callee-push.xml").remote("127.0.0.1", server.port()).transport(PeerTransport.TCP)
                    .service("bob").auth("bob", TestServer.PASSWORD).key("pn", remoteOnly).callId(callId).start()) {
                assertThat(caller.awaitResult()).matches(SippResult::succeeded, "the caller's call completed");
                assertThat(phone.awaitResult()).matches(SippResult::succeeded, "the woken phone answered");
            }
        }
        assertThat(apns.received()).as("one push").hasSize(1);
    }
}

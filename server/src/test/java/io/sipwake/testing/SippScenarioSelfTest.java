package io.sipwake.testing;

import static io.sipwake.testing.SippMessage.request;
import static io.sipwake.testing.SippMessage.response;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The SIPp scenarios of src/test/resources/sipp, run exactly as sipwake's tests run them, but
 * against a known-good registrar and proxy: Kamailio ({@code peers/kamailio-reference.cfg}).
 * If one of these fails, the scenario, the helpers or the installed peers are at fault, not sipwake.
 */
class SippScenarioSelfTest {

    private static final Duration REGISTRATION = Duration.ofSeconds(10);
    private static final AtomicInteger USERS = new AtomicInteger();

    private static Kamailio proxy;

    @BeforeAll
    static void startProxy() {
        proxy = Kamailio.reference().start();
    }

    @AfterAll
    static void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"UDP", "TCP"})
    void aPhoneRegistersWithDigestAuthenticationAndUnregisters(PeerTransport transport) {
        String alice = newUser("alice");

        SippResult registration = sipp("sipp/register-auth.xml", transport, proxy)
                .service(alice).auth(alice, Kamailio.PASSWORD).set("unregister", "yes").run();

        assertThat(registration).matches(SippResult::succeeded, "registered, then unregistered");
        assertThat(registration.received(response(401, "REGISTER"))).as("challenged twice").hasSize(2);
        assertThat(registration.received(response(200, "REGISTER")).get(0).header("Contact"))
                .as("the 200 lists the binding").hasValueSatisfying(contact -> assertThat(contact).contains(alice + "@127.0.0.1"));
    }

    @Test
    void aWrongPasswordFailsTheRegistration() {
        String alice = newUser("alice");

        SippResult registration = sipp("sipp/register-auth.xml", PeerTransport.UDP, proxy)
                .service(alice).auth(alice, "not-" + Kamailio.PASSWORD).timeout(Duration.ofSeconds(5)).run();

        assertThat(registration.succeeded()).as("%s", registration).isFalse();
        assertThat(registration.received(response(200, "REGISTER"))).isEmpty();
    }

    @ParameterizedTest(name = "caller on {0}, callee on {1}")
    @CsvSource({"UDP, UDP", "TCP, TCP", "UDP, TCP", "TCP, UDP"})
    void aCallerCallsARegisteredCalleeThroughTheProxyAndHangsUp(PeerTransport callerTransport, PeerTransport calleeTransport) {
        String bob = newUser("bob");
        String callId = bob + "-call";

        try (SippProcess callee = registeredPhone("sipp/callee.xml", calleeTransport, bob, callId, proxy)) {
            SippResult caller = sipp("sipp/caller.xml", callerTransport, proxy).service(bob).callId(callId).run();
            SippResult answered = callee.awaitResult();

            assertThat(caller).matches(SippResult::succeeded, "the caller got 200, sent ACK and BYE, got 200");
            assertThat(answered).matches(SippResult::succeeded, "the callee rang, answered, got ACK and BYE");
            assertThat(caller.sent(request("BYE")).get(0).header("Route"))
                    .as("the BYE follows the route set of the 200's Record-Route").isPresent();
            assertThat(answered.received(request("BYE"))).hasSize(1);
        }
    }

    @ParameterizedTest(name = "caller on {0}, callee on {1}")
    @CsvSource({"UDP, UDP", "TCP, TCP", "UDP, TCP", "TCP, UDP"})
    void aCallCancelledBeforeAnswerGives487ToTheCallerAndCancelToTheCallee(PeerTransport callerTransport, PeerTransport calleeTransport) {
        String bob = newUser("bob");
        String callId = bob + "-call";

        try (SippProcess callee = registeredPhone("sipp/callee-ring-forever.xml", calleeTransport, bob, callId, proxy)) {
            SippResult caller = sipp("sipp/caller-cancel.xml", callerTransport, proxy).service(bob).callId(callId).run();
            SippResult rung = callee.awaitResult();

            assertThat(caller).matches(SippResult::succeeded, "the caller cancelled after 180, got 200 and 487, sent ACK");
            assertThat(rung).matches(SippResult::succeeded, "the callee got CANCEL, answered 200 and 487, got ACK");
            assertThat(caller.received(response(487, "INVITE"))).hasSize(1);
            assertThat(rung.received(request("CANCEL"))).hasSize(1);
        }
    }

    @Test
    void udpRetransmissionsOfTheInviteAndOfThe200AreHandled() {
        String bob = newUser("bob");
        String callId = bob + "-call";

        try (SippProcess callee = registeredPhone(Sipp.scenario("sipp/callee-retrans.xml").noRetransmissions(),
                PeerTransport.UDP, bob, callId, proxy)) {
            SippResult caller = sipp("sipp/caller-retrans.xml", PeerTransport.UDP, proxy)
                    .noRetransmissions().service(bob).callId(callId).run();
            SippResult answered = callee.awaitResult();

            assertThat(caller).matches(SippResult::succeeded, "the caller's call completed");
            assertThat(answered).matches(SippResult::succeeded, "the callee's call completed");
            assertThat(caller.sent(request("INVITE"))).as("INVITE sent twice").hasSize(2);
            assertThat(answered.received(request("INVITE"))).as("the retransmitted INVITE is absorbed").hasSize(1);
            assertThat(answered.sent(response(200, "INVITE"))).as("200 sent twice").hasSize(2);
            assertThat(caller.received(response(200, "INVITE"))).as("the retransmitted 200 is forwarded").hasSize(2);
        }
    }

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({"message, UDP", "message, TCP", "options, UDP", "options, TCP"})
    void aRequestToARegisteredUserReachesItsPhone(String scenario, PeerTransport transport) {
        String bob = newUser("bob");
        String callId = bob + "-request";

        try (SippProcess phone = registeredPhone("sipp/callee-request.xml", transport, bob, callId, proxy)) {
            SippResult sender = sipp("sipp/" + scenario + ".xml", transport, proxy).service(bob).callId(callId).run();

            assertThat(sender).matches(SippResult::succeeded, "the sender got 200");
            assertThat(phone.awaitResult()).matches(SippResult::succeeded, "the phone got the request and answered 200");
        }
    }

    @Test
    void theCallerAnswersAProxyChallengeToItsInvite() {
        String bob = newUser("bob");
        String callId = bob + "-call";

        try (Kamailio challenging = Kamailio.reference().challengeInvites().start();
                SippProcess callee = registeredPhone("sipp/callee.xml", PeerTransport.UDP, bob, callId, challenging)) {
            SippResult caller = sipp("sipp/caller.xml", PeerTransport.UDP, challenging)
                    .service(bob).auth("carol", Kamailio.PASSWORD).callId(callId).run();

            assertThat(caller).matches(SippResult::succeeded, "the caller answered 407 and completed the call");
            assertThat(caller.received(response(407, "INVITE"))).hasSize(1);
            assertThat(callee.awaitResult()).matches(SippResult::succeeded, "the callee answered");
        }
    }

    private static Sipp sipp(String scenario, PeerTransport transport, Kamailio server) {
        return Sipp.scenario(scenario).remote("127.0.0.1", server.port()).transport(transport);
    }

    /** Starts a phone scenario (callee*.xml) and waits until it is registered. */
    private static SippProcess registeredPhone(String scenario, PeerTransport transport, String user, String callId, Kamailio server) {
        return registeredPhone(Sipp.scenario(scenario), transport, user, callId, server);
    }

    private static SippProcess registeredPhone(Sipp phone, PeerTransport transport, String user, String callId, Kamailio server) {
        SippProcess started = phone.remote("127.0.0.1", server.port()).transport(transport)
                .service(user).auth(user, Kamailio.PASSWORD).callId(callId).start();
        try {
            started.awaitReceived(response(200, "REGISTER"), REGISTRATION);
            return started;
        } catch (RuntimeException | Error e) {
            started.close();
            throw e;
        }
    }

    /** Each test registers users of its own, so no call forks to another test's phone. */
    private static String newUser(String name) {
        return name + USERS.incrementAndGet() + "-" + ProcessHandle.current().pid();
    }
}

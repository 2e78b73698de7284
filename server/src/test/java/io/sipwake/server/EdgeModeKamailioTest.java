package io.sipwake.server;

import static io.sipwake.testing.SippMessage.request;
import static io.sipwake.testing.SippMessage.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sipwake.proxy.registrar.Registrar;
import io.sipwake.push.apns.testing.MockApns;
import io.sipwake.sip.transport.Flow;
import io.sipwake.store.Binding;
import io.sipwake.testing.Kamailio;
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
 * Edge mode in front of a real Kamailio registrar (Debian's package, on loopback): phones register
 * through sipwake, Kamailio authenticates them (sipwake knows no password of theirs), a caller calls
 * through Kamailio, Kamailio routes the call back through sipwake, which pushes the sleeping phone
 * (APNs double), holds the INVITE until the phone re-registers through sipwake, and the call
 * completes. Once with Path (RFC 3327), once with Contact rewriting, where Kamailio's location table
 * never holds a push token (RFC 8599 §13).
 */
class EdgeModeKamailioTest {
    private static final String TEAM = PushTestSupport.TEAM;
    private static final String BUNDLE = PushTestSupport.BUNDLE;
    /** Not a user of sipwake's own registrar: only Kamailio can authenticate it. */
    private static final String USER = "dave";

    @Test
    void pathMode_phoneRegistersThroughSipwake_KamailioCallsBackAlongThePath_andThePushedPhoneAnswers_RFC3327_RFC8599(@TempDir Path dir)
            throws Exception {
        Peers.require("sipp");
        try (Kamailio kamailio = Kamailio.reference().path().start()) {
            String token = PushTestSupport.newToken();
            CallThroughKamailio call = callThroughKamailio(dir, kamailio, "path", token);
            assertThat(call.locationTable()).as("Kamailio stored sipwake's Path for the phone")
                    .contains("Path").contains("sw-");
            assertThat(call.phoneInvite()).as("pn-* never leave sipwake towards the phone's peers").doesNotContain("pn-prid");
        }
    }

    @Test
    void contactRewriteMode_KamailioStoresOnlySipwakesKey_neverThePushToken_andTheWokenPhoneAnswers_RFC8599_13(@TempDir Path dir)
            throws Exception {
        Peers.require("sipp");
        try (Kamailio kamailio = Kamailio.reference().start()) {
            String token = PushTestSupport.newToken();
            CallThroughKamailio call = callThroughKamailio(dir, kamailio, "contact-rewrite", token);
            assertThat(call.locationTable()).as("the Contact Kamailio stored points at sipwake with an opaque key")
                    .contains("sw-")
                    .doesNotContain(token)
                    .doesNotContain("pn-");
        }
    }

    private record CallThroughKamailio(String locationTable, String phoneInvite) {}

    /**
     * The whole flow of the issue: register through sipwake (digest by Kamailio), sleep, a call via
     * Kamailio, the push, the re-REGISTER, the call answered and hung up.
     */
    private static CallThroughKamailio callThroughKamailio(Path dir, Kamailio kamailio, String mode, String token) throws Exception {
        Files.createDirectories(dir.resolve("apns"));
        String pn = ";pn-provider=apns;pn-param=" + TEAM + "." + BUNDLE + ".voip;pn-prid=" + token;
        String edge = "edge:\n"
                + "  upstreams:\n"
                + "    - {uri: \"sip:127.0.0.1:" + kamailio.port() + ";transport=udp\", mode: " + mode + "}\n";
        try (MockApns apns = MockApns.start(dir.resolve("apns"), TEAM, PushTestSupport.KEY_ID, Set.of(BUNDLE));
                TestServer server = TestServer.start(dir, "", "", PushTestSupport.pushConfig(apns, "30s") + edge)) {
            apns.allow(BUNDLE + ".voip", token);
            int port = server.port();

            // Through sipwake to Kamailio: Kamailio's 401 reaches the phone, its credentials reach Kamailio.
            SippResult registration = Sipp.scenario("sipp/register-push.xml").remote("127.0.0.1", port).transport(PeerTransport.TCP)
                    .service(USER).auth(USER, Kamailio.PASSWORD).key("pn", pn).run();
            assertThat(registration).matches(SippResult::succeeded, "registered through sipwake, with Feature-Caps in Kamailio's 200");
            assertThat(registration.received(response(401, "REGISTER"))).as("Kamailio's challenge passed through").isNotEmpty();
            List<Binding> bindings = server.server().locations().lookup("sip:" + USER + "@127.0.0.1");
            assertThat(bindings).as("sipwake keeps the binding Kamailio accepted").singleElement()
                    .satisfies(b -> assertThat(Registrar.pushParameters(b)).isNotNull());
            Flow sleepingFlow = Flow.parseToken(bindings.get(0).flow());
            await().atMost(Duration.ofSeconds(10)).until(() -> !server.server().transport().isOpen(sleepingFlow));
            String locationTable = kamailio.locationTable();

            String callId = "edge-" + UUID.randomUUID();
            try (SippProcess caller = Sipp.scenario("sipp/caller.xml").remote("127.0.0.1", kamailio.port()).transport(PeerTransport.UDP)
                    .service(USER).callId(callId).timeout(Duration.ofSeconds(40)).start()) {
                List<MockApns.Received> pushes = PushTestSupport.awaitPushes(apns, 1);
                assertThat(pushes.get(0).token()).isEqualTo(token);
                assertThat(pushes.get(0).header("apns-push-type")).isEqualTo("voip");
                assertThat(pushes.get(0).json().path("call-id").asText()).isEqualTo(callId);

                try (SippProcess phone = Sipp.scenario("sipp/callee-push.xml").remote("127.0.0.1", port).transport(PeerTransport.TCP)
                        .service(USER).auth(USER, Kamailio.PASSWORD).key("pn", pn).callId(callId).start()) {
                    SippResult call = caller.awaitResult();
                    SippResult woken = phone.awaitResult();
                    assertThat(call).matches(SippResult::succeeded, "the caller's call through Kamailio completed");
                    assertThat(woken).matches(SippResult::succeeded, "the woken phone re-registered through sipwake and answered");
                    String invite = woken.received(request("INVITE")).get(0).text();
                    assertThat(apns.received()).as("one push for one call").hasSize(1);
                    return new CallThroughKamailio(locationTable, invite);
                }
            }
        }
    }
}

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

    @org.junit.jupiter.params.ParameterizedTest(name = "to Kamailio over {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"udp", "tcp"})
    void pathMode_phoneRegistersThroughSipwake_KamailioCallsBackAlongThePath_andThePushedPhoneAnswers_RFC3327_RFC8599(String transport,
            @TempDir Path dir) throws Exception {
        Peers.require("sipp");
        try (Kamailio kamailio = Kamailio.reference().path().start()) {
            String token = PushTestSupport.newToken();
            CallThroughKamailio call = callThroughKamailio(dir, kamailio, "path", transport, token);
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
            CallThroughKamailio call = callThroughKamailio(dir, kamailio, "contact-rewrite", "udp", token);
            assertThat(call.locationTable()).as("the Contact Kamailio stored points at sipwake with an opaque key")
                    .contains("sw-")
                    .doesNotContain(token)
                    .doesNotContain("pn-");
        }
    }

    @Test
    void aPhoneWhoseUpstreamRegistrationLapsedIsStillWokenWhenThePbxSendsItsCallToSipwake(@TempDir Path dir) throws Exception {
        Peers.require("sipp");
        Files.createDirectories(dir.resolve("apns"));
        String token = PushTestSupport.newToken();
        String pn = ";pn-provider=apns;pn-param=" + TEAM + "." + BUNDLE + ".voip;pn-prid=" + token;
        int kamailioPort = io.sipwake.testing.FreePorts.udpAndTcp();
        String edge = "edge:\n  upstreams:\n    - {uri: \"sip:127.0.0.1:" + kamailioPort + "\", mode: contact-rewrite}\n";
        try (MockApns apns = MockApns.start(dir.resolve("apns"), TEAM, PushTestSupport.KEY_ID, Set.of(BUNDLE));
                TestServer server = TestServer.start(dir, "", "", PushTestSupport.pushConfig(apns, "30s") + edge);
                Kamailio kamailio = Kamailio.reference().port(kamailioPort).fallbackTo("sip:127.0.0.1:" + server.port()).start()) {
            apns.allow(BUNDLE + ".voip", token);
            int port = server.port();
            SippResult registration = Sipp.scenario("sipp/register-push.xml").remote("127.0.0.1", port).transport(PeerTransport.TCP)
                    .service(USER).auth(USER, Kamailio.PASSWORD).key("pn", pn).run();
            assertThat(registration).matches(SippResult::succeeded, "registered through sipwake");
            kamailio.removeContacts(USER); // the PBX forgot the phone; the PBX routes its calls to sipwake instead
            assertThat(kamailio.locationTable()).doesNotContain("sw-");

            String callId = "lapsed-" + UUID.randomUUID();
            try (SippProcess caller = Sipp.scenario("sipp/caller.xml").remote("127.0.0.1", kamailioPort).transport(PeerTransport.UDP)
                    .service(USER).callId(callId).timeout(Duration.ofSeconds(40)).start()) {
                assertThat(PushTestSupport.awaitPushes(apns, 1).get(0).token()).isEqualTo(token);
                try (SippProcess phone = Sipp.scenario("sipp/callee-push.xml").remote("127.0.0.1", port).transport(PeerTransport.TCP)
                        .service(USER).auth(USER, Kamailio.PASSWORD).key("pn", pn).callId(callId).start()) {
                    assertThat(caller.awaitResult()).matches(SippResult::succeeded, "the call the PBX sent to sipwake completed");
                    assertThat(phone.awaitResult()).matches(SippResult::succeeded, "the woken phone answered");
                }
            }
            assertThat(kamailio.locationTable()).as("the woken phone is registered at the PBX again").contains("sw-");
        }
    }

    @Test
    void aPbxThatGrantsLessThanPushMinExpiresIsNamedInAWarning_andBelow121SecondsSipwakeDoesNotActAsPushProxy_RFC8599_5_6_1_1(
            @TempDir Path dir) throws Exception {
        Peers.require("sipp");
        Files.createDirectories(dir.resolve("apns"));
        ch.qos.logback.classic.Logger edgeLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                io.sipwake.proxy.edge.EdgeRegistrar.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> warnings = new ch.qos.logback.core.read.ListAppender<>();
        warnings.start();
        edgeLog.addAppender(warnings);
        String pn = ";pn-provider=apns;pn-param=" + TEAM + "." + BUNDLE + ".voip;pn-prid=" + PushTestSupport.newToken();
        try (Kamailio shortLimit = Kamailio.reference().maxExpires(200).start();
                Kamailio tooShort = Kamailio.reference().maxExpires(100).start();
                MockApns apns = MockApns.start(dir.resolve("apns"), TEAM, PushTestSupport.KEY_ID, Set.of(BUNDLE))) {
            String push = PushTestSupport.pushConfig(apns, "30s").replace("  min-expires: 121\n", "  min-expires: 250\n");
            Path first = Files.createDirectories(dir.resolve("a"));
            try (TestServer server = TestServer.start(first, "", "", push + "edge:\n  upstreams:\n    - {uri: \"sip:127.0.0.1:"
                    + shortLimit.port() + "\"}\n")) {
                SippResult registration = Sipp.scenario("sipp/register-push.xml").remote("127.0.0.1", server.port())
                        .transport(PeerTransport.TCP).service(USER).auth(USER, Kamailio.PASSWORD).key("pn", pn).run();
                assertThat(registration).matches(SippResult::succeeded, "200 s still allows refresh pushes: Feature-Caps in the 200");
                assertThat(warnings.list).as("the warning names what to change at the PBX").anySatisfy(e -> assertThat(e.getFormattedMessage())
                        .contains("granted 200 s").contains("push.min-expires 250 s").contains("max_expires").contains("maximum_expiration"));
            }
            Path second = Files.createDirectories(dir.resolve("b"));
            try (TestServer server = TestServer.start(second, "", "", push + "edge:\n  upstreams:\n    - {uri: \"sip:127.0.0.1:"
                    + tooShort.port() + "\"}\n")) {
                SippResult registration = Sipp.scenario("sipp/register-push.xml").remote("127.0.0.1", server.port())
                        .transport(PeerTransport.TCP).service(USER).auth(USER, Kamailio.PASSWORD).key("pn", pn)
                        .timeout(Duration.ofSeconds(10)).run();
                assertThat(registration.received(response(200, "REGISTER"))).as("the PBX's 200 reaches the phone").isNotEmpty()
                        .allSatisfy(ok -> assertThat(ok.header("Feature-Caps")).as("no push promised for 100 s").isEmpty());
                assertThat(server.server().locations().lookup("sip:" + USER + "@127.0.0.1")).singleElement()
                        .satisfies(b -> assertThat(Registrar.pushParameters(b)).as("kept as a plain binding").isNull());
            }
        } finally {
            edgeLog.detachAppender(warnings);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"path", "contact-rewrite"})
    void phonesCallThroughSipwakeToKamailio_whichRoutesTheCallBackThroughSipwake_andInDialogRequestsFollowTheRecordRoutes(String mode,
            @TempDir Path dir) throws Exception {
        Peers.require("sipp");
        Kamailio.Builder builder = Kamailio.reference();
        if (mode.equals("path")) builder.path();
        String edge = "edge:\n  upstreams:\n";
        try (Kamailio kamailio = builder.start();
                TestServer server = TestServer.start(dir, "", "", edge + "    - {uri: \"sip:127.0.0.1:" + kamailio.port() + "\", mode: " + mode + "}\n")) {
            int port = server.port();
            SippResult callerRegistration = Sipp.scenario("sipp/register-auth.xml").remote("127.0.0.1", port).transport(PeerTransport.UDP)
                    .service("caller").auth("caller", Kamailio.PASSWORD).run();
            assertThat(callerRegistration).matches(SippResult::succeeded, "the calling phone registered through sipwake");

            String callId = "edge-out-" + UUID.randomUUID();
            try (SippProcess callee = Sipp.scenario("sipp/callee.xml").remote("127.0.0.1", port).transport(PeerTransport.UDP)
                    .service("erin").auth("erin", Kamailio.PASSWORD).callId(callId).start()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> !server.server().locations().lookup("sip:erin@127.0.0.1").isEmpty());
                SippResult call = Sipp.scenario("sipp/caller.xml").remote("127.0.0.1", port).transport(PeerTransport.UDP)
                        .service("erin").callId(callId).timeout(Duration.ofSeconds(20)).run();
                SippResult answered = callee.awaitResult();
                assertThat(call).matches(SippResult::succeeded, "the call from a phone through sipwake and Kamailio completed");
                assertThat(answered).matches(SippResult::succeeded, "the called phone answered, got the ACK and the BYE");
                String invite = answered.received(request("INVITE")).get(0).text();
                assertThat(invite).as("the INVITE went through Kamailio (its Record-Route) and sipwake, twice")
                        .contains("127.0.0.1:" + kamailio.port());
                assertThat(answered.received(request("BYE"))).as("the BYE came back along the route set").hasSize(1);
            }
        }
    }

    private record CallThroughKamailio(String locationTable, String phoneInvite) {}

    /**
     * The whole flow of the issue: register through sipwake (digest by Kamailio), sleep, a call via
     * Kamailio, the push, the re-REGISTER, the call answered and hung up.
     */
    private static CallThroughKamailio callThroughKamailio(Path dir, Kamailio kamailio, String mode, String transport, String token)
            throws Exception {
        return callThroughKamailio(dir, kamailio, mode, transport, kamailio.port(), "", "", token);
    }

    @Test
    void pathModeOverTls_sipwakeVerifiesKamailiosCertificateAndKamailioCallsBackOverTls_RFC3327(@TempDir Path dir) throws Exception {
        Peers.require("sipp");
        io.sipwake.sip.transport.TestCertificates.Pem pem = io.sipwake.sip.transport.TestCertificates.generate(dir.resolve("certs"));
        try (Kamailio kamailio = Kamailio.reference().path().tls(pem.certificate(), pem.privateKey()).start()) {
            String listeners = "    - {transport: tls, port: 0}\n";
            String tls = "  tls: {certificate: " + pem.certificate() + ", private-key: " + pem.privateKey() + ", trust: " + pem.certificate() + "}\n";
            CallThroughKamailio call = callThroughKamailio(dir, kamailio, "path", "tls", kamailio.tlsPort(), listeners, tls,
                    PushTestSupport.newToken());
            assertThat(call.locationTable()).as("the Path Kamailio stored names sipwake's TLS listener").contains("transport=tls");
        }
    }

    private static CallThroughKamailio callThroughKamailio(Path dir, Kamailio kamailio, String mode, String transport, int upstreamPort,
            String extraListeners, String extraSipYaml, String token) throws Exception {
        Files.createDirectories(dir.resolve("apns"));
        String pn = ";pn-provider=apns;pn-param=" + TEAM + "." + BUNDLE + ".voip;pn-prid=" + token;
        String edge = "edge:\n"
                + "  upstreams:\n"
                + "    - {uri: \"sip:127.0.0.1:" + upstreamPort + ";transport=" + transport + "\", mode: " + mode + "}\n";
        try (MockApns apns = MockApns.start(dir.resolve("apns"), TEAM, PushTestSupport.KEY_ID, Set.of(BUNDLE));
                TestServer server = TestServer.start(dir, extraListeners, extraSipYaml, PushTestSupport.pushConfig(apns, "30s") + edge)) {
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

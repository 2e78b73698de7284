package io.sipwake.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sipwake.proxy.push.HookWake;
import io.sipwake.push.fcm.testing.FcmFault;
import io.sipwake.server.HookTestBed.Dialect;
import io.sipwake.store.Binding;
import io.sipwake.testing.Peers;
import io.sipwake.testing.PeerTransport;
import io.sipwake.testing.Sipp;
import io.sipwake.testing.SippResult;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hook mode over HTTP ({@code POST /api/v1/wake}) against real pushes: APNs to Pushy's MockApnsServer, FCM to the
 * FCM HTTP v1 double, wake-up URLs to a loopback receiver, and phones registering through sipwake with SIPp.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(90)
class HookWakeApiTest {
    private HookTestBed bed;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        bed = new HookTestBed(dir);
    }

    @AfterAll
    void stop() throws Exception {
        if (bed != null) bed.close();
    }

    @AfterEach
    void forgetThePhones() {
        bed.forgetRegisteredPhones();
    }

    private static Map<String, Object> fields(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put((String) pairs[i], pairs[i + 1]);
        return m;
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private List<Binding> hookBindings(String aor) {
        return bed.server.server().locations().lookup(aor).stream().filter(HookWake::isHookBinding).toList();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void aContactOfEachDialectIsStoredAndPushedOnceAndTheAnswerIsAccepted(Dialect dialect) throws Exception {
        String aor = bed.newAor();
        String token = bed.newToken(dialect);
        String callId = "call-" + UUID.randomUUID() + "@pbx";
        HttpResponse<String> r = bed.post(null, HookTestBed.json(fields("aor", aor, "contact", bed.contact(dialect, token), "call-id", callId,
                "caller", "sip:+4930123456@pbx.example.com", "timeout", "10s")));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = HookTestBed.json(r);
        assertThat(body.get("outcome").asText()).isEqualTo("accepted");
        assertThat(body.get("aor").asText()).isEqualTo(aor);
        assertThat(body.get("call-id").asText()).isEqualTo(callId);
        assertThat(body.get("duplicate").asBoolean()).isFalse();
        assertThat(body.get("stored").asBoolean()).isTrue();
        assertThat(body.get("push").get("result").asText()).isEqualTo("accepted");
        assertThat(body.get("push").get("kind").asText()).isEqualTo("call");
        assertThat(body.get("elapsed-ms").asLong()).isNotNegative();
        assertThat(r.body()).as("tokens are redacted").doesNotContain(token);
        assertThat(bed.pushesTo(dialect, token)).as("one push for one wake").isEqualTo(1);
        if (dialect != Dialect.X_PUSH_URI) assertThat(bed.pushedCallId(dialect, token)).isEqualTo(callId);
        if (dialect == Dialect.RFC8599_APNS || dialect == Dialect.MOD_APN) {
            var sent = bed.apns.received().stream().filter(p -> p.token().equals(token)).findFirst().orElseThrow();
            assertThat(sent.header("apns-push-type")).as("a call push to a PushKit token").isEqualTo("voip");
            assertThat(sent.json().path("caller").asText()).isEqualTo("sip:+4930123456@pbx.example.com");
        }

        List<Binding> stored = hookBindings(aor);
        assertThat(stored).as("the contact's token is kept for the AOR").hasSize(1);
        assertThat(stored.get(0).source()).isEqualTo("hook");
        assertThat(bed.pushesTo(dialect, token)).isEqualTo(1);

        // The next call needs no contact: the stored token is pushed (the old recipe's sqlite lookup).
        HttpResponse<String> again = bed.post("aor=" + q(aor), null);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(HookTestBed.json(again).get("stored").asBoolean()).isFalse();
        assertThat(bed.pushesTo(dialect, token)).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void withWaitAPhoneThatRegistersWithThePbxIsDoneWhenThePushIsAccepted(Dialect dialect) throws Exception {
        String aor = bed.newAor();
        String token = bed.newToken(dialect);
        // all fields as query parameters, the way a dialplan calls curl
        HttpResponse<String> r = bed.post("aor=" + q(aor) + "&contact=" + q(bed.contact(dialect, token)) + "&wait=true&timeout=10", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = HookTestBed.json(r);
        assertThat(body.get("outcome").asText()).isEqualTo("accepted");
        assertThat(body.get("message").asText()).contains("registers with the PBX");
        assertThat(body.get("push").get("binding").asText()).isEqualTo("hook");
        assertThat(bed.pushesTo(dialect, token)).isEqualTo(1);
    }

    @Test
    void aFormEncodedBodyAsAsteriskCurlPostsItWorks() throws Exception {
        String aor = bed.newAor();
        String token = bed.newToken(Dialect.RFC8599_FCM);
        HttpResponse<String> r = bed.post(null, "aor=" + q(aor) + "&contact=" + q(bed.contact(Dialect.RFC8599_FCM, token)) + "&call-id=form-1");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(bed.fcm.messagesTo(token)).hasSize(1);
        assertThat(bed.fcm.messagesTo(token).get(0).data()).containsEntry("call-id", "form-1").containsEntry("type", "call");
    }

    @Test
    void withWaitAPhoneThatRegistersThroughSipwakeIsDoneWhenItRegistersAgain() throws Exception {
        Peers.require("sipp");
        String voip = PushTestSupport.newToken();
        String remote = PushTestSupport.newToken();
        bed.apns.allow(PushTestSupport.BUNDLE + ".voip", voip);
        String pn = PushTestSupport.linphonePn(voip, remote);
        PushTestSupport.registerAndSleep(bed.server, "alice", pn);
        String aor = PushTestSupport.aor("alice");

        CompletableFuture<HttpResponse<String>> wake = CompletableFuture.supplyAsync(() -> {
            try {
                return bed.post(null, HookTestBed.json(fields("aor", aor, "call-id", "wait-1", "wait", true, "timeout", "20s")));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15))
                .until(() -> bed.apns.received().stream().anyMatch(p -> p.token().equals(voip)));
        assertThat(wake).as("the push alone does not end a wait for a phone that registers through sipwake").isNotDone();

        // the woken phone registers again
        SippResult again = Sipp.scenario("sipp/register-push.xml").remote("127.0.0.1", bed.server.port()).transport(PeerTransport.TCP)
                .service("alice").auth("alice", TestServer.PASSWORD).key("pn", pn).run();
        assertThat(again).matches(SippResult::succeeded, "re-registered");

        HttpResponse<String> r = wake.get(15, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = HookTestBed.json(r);
        assertThat(body.get("outcome").asText()).isEqualTo("registered");
        assertThat(body.get("push").get("binding").asText()).isEqualTo("registered");
        assertThat(body.get("stored").asBoolean()).as("a registered phone's own binding is used, none is added").isFalse();
        assertThat(hookBindings(aor)).isEmpty();
    }

    @Test
    void withWaitAPhoneConnectedToSipwakeNowIsRegisteredAtOnce() throws Exception {
        String voip = PushTestSupport.newToken();
        bed.apns.allow(PushTestSupport.BUNDLE + ".voip", voip);
        try (WebSocketPhone phone = new WebSocketPhone("carol", TestServer.PASSWORD, bed.server.port(io.sipwake.sip.transport.Transport.WS),
                PushTestSupport.linphonePn(voip, PushTestSupport.newToken()))) {
            assertThat(phone.register().status()).isEqualTo(200);
            // the phone keeps its WebSocket open: it is awake, no REGISTER will follow the push
            HttpResponse<String> r = bed.post("aor=" + q(PushTestSupport.aor("carol")) + "&wait=true&timeout=20s", null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode body = HookTestBed.json(r);
            assertThat(body.get("outcome").asText()).isEqualTo("registered");
            assertThat(body.get("message").asText()).isEqualTo("the phone is connected to sipwake now");
            assertThat(body.get("elapsed-ms").asLong()).isLessThan(20_000);
        }
    }

    @Test
    void withWaitThePhoneNotRegisteringInTimeIs504() throws Exception {
        Peers.require("sipp");
        String voip = PushTestSupport.newToken();
        bed.apns.allow(PushTestSupport.BUNDLE + ".voip", voip);
        PushTestSupport.registerAndSleep(bed.server, "bob", PushTestSupport.linphonePn(voip, PushTestSupport.newToken()));

        HttpResponse<String> r = bed.post("aor=" + q(PushTestSupport.aor("bob")) + "&wait&timeout=1500ms", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(504);
        JsonNode body = HookTestBed.json(r);
        assertThat(body.get("outcome").asText()).isEqualTo("timeout");
        assertThat(body.get("error").asText()).isEqualTo("the phone did not register within 1500 ms");
        assertThat(body.get("push").get("result").asText()).isEqualTo("accepted");
        assertThat(body.get("elapsed-ms").asLong()).isGreaterThanOrEqualTo(1500);
    }

    @Test
    void wakesOfTheSameCallShareOnePush() throws Exception {
        Peers.require("sipp");
        String voip = PushTestSupport.newToken();
        bed.apns.allow(PushTestSupport.BUNDLE + ".voip", voip);
        PushTestSupport.registerAndSleep(bed.server, "carol", PushTestSupport.linphonePn(voip, PushTestSupport.newToken()));
        String query = "aor=" + q(PushTestSupport.aor("carol")) + "&call-id=dup-" + UUID.randomUUID() + "&wait=true&timeout=2s";

        // two wakes of one call while the first is pending (carol sleeps on), then one shortly after
        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> post(query));
        CompletableFuture<HttpResponse<String>> second = CompletableFuture.supplyAsync(() -> post(query));
        List<JsonNode> answers = List.of(HookTestBed.json(first.get(20, TimeUnit.SECONDS)), HookTestBed.json(second.get(20, TimeUnit.SECONDS)));
        HttpResponse<String> late = post(query);

        assertThat(answers).extracting(a -> a.get("outcome").asText()).containsOnly("timeout");
        assertThat(answers).extracting(a -> a.get("duplicate").asBoolean()).containsExactlyInAnyOrder(false, true);
        assertThat(late.statusCode()).isEqualTo(504);
        assertThat(HookTestBed.json(late).get("duplicate").asBoolean()).isTrue();
        assertThat(bed.apns.received().stream().filter(p -> p.token().equals(voip)).count()).as("one push for the call").isEqualTo(1);

        // another call is another push
        HttpResponse<String> other = post("aor=" + q(PushTestSupport.aor("carol")) + "&call-id=other-" + UUID.randomUUID());
        assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
        assertThat(bed.apns.received().stream().filter(p -> p.token().equals(voip)).count()).isEqualTo(2);
    }

    private HttpResponse<String> post(String query) {
        try {
            return bed.post(query, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anAorWithoutPushBindingIs404AndSoIsAContactWithoutPushParameters() throws Exception {
        String aor = bed.newAor();
        HttpResponse<String> none = bed.post("aor=" + q(aor), null);
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(HookTestBed.json(none).get("outcome").asText()).isEqualTo("no-push-binding");
        assertThat(HookTestBed.json(none).get("error").asText()).isEqualTo("no bindings for " + aor);

        HttpResponse<String> plain = bed.post(null, HookTestBed.json(fields("aor", aor, "contact", "<sip:1001@192.0.2.10:5060;transport=udp>")));
        assertThat(plain.statusCode()).isEqualTo(404);
        assertThat(HookTestBed.json(plain).get("error").asText()).startsWith("the contact given is unusable: the contact has no push parameters");
        assertThat(bed.server.server().locations().lookup(aor)).isEmpty();

        HttpResponse<String> unconfigured = bed.post(null, HookTestBed.json(fields("aor", aor,
                "contact", "<sip:1001@192.0.2.10;pn-provider=webpush;pn-prid=https://push.example.com/x>")));
        assertThat(unconfigured.statusCode()).isEqualTo(404);
        assertThat(HookTestBed.json(unconfigured).get("error").asText()).contains("push provider 'webpush' is not configured here");
    }

    @Test
    void aRejectionThatIsNotADeadTokenIs502WithTheProvidersAnswerAndKeepsTheBinding() throws Exception {
        String aor = bed.newAor();
        String token = PushTestSupport.newToken(); // not allowed for the topic: APNs answers DeviceTokenNotForTopic
        HttpResponse<String> r = bed.post(null, HookTestBed.json(fields("aor", aor, "contact", bed.contact(Dialect.RFC8599_APNS, token))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        JsonNode body = HookTestBed.json(r);
        assertThat(body.get("outcome").asText()).isEqualTo("rejected");
        assertThat(body.get("provider").asText()).isEqualTo("apns");
        assertThat(body.get("push").get("status").asInt()).isEqualTo(400);
        assertThat(body.get("push").get("reason").asText()).isEqualTo("DeviceTokenNotForTopic");
        assertThat(body.get("push").get("token-is-dead").asBoolean()).isFalse();
        assertThat(hookBindings(aor)).hasSize(1);
    }

    @Test
    void aDeadTokenIs410AndItsBindingIsRemovedAlsoAfterARestart() throws Exception {
        String aor = bed.newAor();
        String token = bed.newToken(Dialect.RFC8599_APNS);
        assertThat(bed.post(null, HookTestBed.json(fields("aor", aor, "contact", bed.contact(Dialect.RFC8599_APNS, token)))).statusCode()).isEqualTo(200);
        String other = bed.newAor();
        String fcmToken = bed.newToken(Dialect.RFC8599_FCM);
        assertThat(bed.post(null, HookTestBed.json(fields("aor", other, "contact", bed.contact(Dialect.RFC8599_FCM, fcmToken)))).statusCode())
                .isEqualTo(200);

        // stored hook bindings survive a restart
        bed.restart();
        assertThat(hookBindings(aor)).hasSize(1);
        assertThat(hookBindings(other)).hasSize(1);

        bed.apns.unregister(token, Instant.parse("2026-01-02T03:04:05Z"));
        HttpResponse<String> r = bed.post("aor=" + q(aor), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(410);
        JsonNode body = HookTestBed.json(r);
        assertThat(body.get("outcome").asText()).isEqualTo("token-dead");
        assertThat(body.get("push").get("reason").asText()).isEqualTo("Unregistered");
        assertThat(body.get("push").get("invalidated-at").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(body.get("push").get("binding-removed").asBoolean()).isTrue();
        assertThat(bed.server.server().locations().lookup(aor)).as("the dead token's binding is pruned").isEmpty();

        bed.fcm.failAlways(fcmToken, FcmFault.unregistered());
        HttpResponse<String> fcm = bed.post("aor=" + q(other), null);
        assertThat(fcm.statusCode()).as(fcm.body()).isEqualTo(410);
        assertThat(HookTestBed.json(fcm).get("push").get("reason").asText()).isEqualTo("UNREGISTERED");
        assertThat(bed.server.server().locations().lookup(other)).isEmpty();

        bed.restart();
        assertThat(bed.server.server().locations().lookup(aor)).as("and stays pruned").isEmpty();
        assertThat(bed.post("aor=" + q(aor), null).statusCode()).isEqualTo(404);
    }

    @ParameterizedTest(name = "{0} {1} -> 400 {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "``                     | ``                                           | aor      | 'aor' is required",
            "`aor=`                 | ``                                           | aor      | 'aor' is required",
            "``                     | `{\"aor\": \"sip:@pbx\"}`                    | aor      | 'aor':",
            "`aor=1001@pbx&timeout=soon` | ``                                      | timeout  | expected a duration",
            "`aor=1001@pbx&timeout=0s`   | ``                                      | timeout  | must be positive",
            "`aor=1001@pbx&wait=maybe`   | ``                                      | wait     | 'wait' must be true or false",
            "`aor=1001@pbx&colour=red`   | ``                                      | colour   | unknown query parameter 'colour'",
            "`aor=1001@pbx`         | `{\"aor\": \"sip:1001@pbx\"}`                | aor      | given both as a query parameter and in the body",
            "``                     | `{\"aor\": \"sip:1001@pbx\", \"wait\": 3}`   | wait     | 'wait' must be true or false",
            "``                     | `{\"aor\": \"sip:1001@pbx\", \"x\": 1}`      | x        | unknown field 'x'",
            "``                     | `{\"aor\": 1001}`                            | aor      | 'aor' must be a string"})
    void badInputIs400NamingTheField(String query, String body, String field, String error) throws Exception {
        HttpResponse<String> r = bed.post(query.isEmpty() ? null : query, body.isEmpty() ? null : body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode answer = HookTestBed.json(r);
        assertThat(answer.get("field").asText()).isEqualTo(field);
        assertThat(answer.get("error").asText()).contains(error);
    }

    @Test
    void invalidJsonIs400() throws Exception {
        HttpResponse<String> r = bed.post(null, "{\"aor\": ");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(HookTestBed.json(r).get("error").asText()).startsWith("request body is not valid JSON");
    }

    @Test
    void aMissingOrWrongTokenIs401AndPushesNothing() throws Exception {
        String token = bed.newToken(Dialect.RFC8599_APNS);
        String query = "aor=" + q(bed.newAor()) + "&contact=" + q(bed.contact(Dialect.RFC8599_APNS, token));
        HttpResponse<String> missing = bed.post(query, null, null);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(HookTestBed.json(missing).get("error").asText()).contains("missing bearer token");
        HttpResponse<String> wrong = bed.post(query, null, "not-the-token");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(bed.pushesTo(Dialect.RFC8599_APNS, token)).isZero();
    }

    @Test
    void getIs405() throws Exception {
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(bed.adminUrl() + "/api/v1/wake?aor=1001@pbx")).header("Authorization", "Bearer " + HookTestBed.ADMIN_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(405);
    }
}

package io.sipwake.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sipwake.server.SipwakeServer;
import io.sipwake.server.TestServer;
import io.sipwake.server.config.ConfigException;
import io.sipwake.server.config.ConfigLoader;
import io.sipwake.store.Binding;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The admin HTTP API and /metrics against a sipwake started in-process with {@code admin.port: 0} and a token. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiTest {
    private static final String TOKEN = "s3cret-admin-token-0123456789";
    private static final String AOR = "sip:alice@example.com";
    private static final String PRID = "EFFD0123456789ABCDEF0123456789ABCDEF0123456789D5B6";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Path token = dir.resolve("admin-token");
        Files.writeString(token, TOKEN + "\n");
        // An HTTP wake-up allow-list turns push on, so that traces and the held-request count exist.
        server = TestServer.start(dir, "", "", "push:\n  http:\n    allow-hosts: [203.0.113.0/24]\n"
                + "admin:\n  enabled: true\n  port: 0\n  token-file: " + token + "\n");
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    private SipwakeServer sipwake() {
        return server.server();
    }

    private HttpResponse<String> call(String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sipwake().admin().port() + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return call("GET", path, TOKEN);
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        return JSON.readTree(r.body());
    }

    private void addPushBinding() {
        long now = System.currentTimeMillis();
        String contact = "<sip:alice@127.0.0.1:5070;pn-provider=apns;pn-param=ABCD1234.org.example.phone.voip;pn-prid=" + PRID + ">";
        Binding b = new Binding(AOR, "<urn:uuid:00000000-0000-0000-0000-000000000001>;reg-id=1", contact,
                "urn:uuid:00000000-0000-0000-0000-000000000001", 1, Binding.NO_Q, "call-1@test", 1, now + 600_000, null, null,
                "udp:127.0.0.1:5070", "TestPhone/1.0", now);
        sipwake().locations().update(AOR, current -> List.of(b)).join();
    }

    private void removeAll() {
        sipwake().locations().update(AOR, current -> List.of()).join();
    }

    @Test
    void aMissingOrWrongTokenIs401WithAJsonError() throws Exception {
        for (String path : List.of("/api/v1/bindings", "/api/v1/ready", "/api/v1/calls", "/metrics", "/api/v1/nothing")) {
            HttpResponse<String> missing = call("GET", path, null);
            assertThat(missing.statusCode()).as(path).isEqualTo(401);
            assertThat(json(missing).get("error").asText()).contains("missing bearer token");
            HttpResponse<String> wrong = call("GET", path, TOKEN + "x");
            assertThat(wrong.statusCode()).as(path).isEqualTo(401);
            assertThat(json(wrong).get("error").asText()).isEqualTo("invalid bearer token");
            assertThat(wrong.body()).doesNotContain(TOKEN);
        }
    }

    @Test
    void healthNeedsNoTokenAndReadyDoes() throws Exception {
        HttpResponse<String> health = call("GET", "/api/v1/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health).get("status").asText()).isEqualTo("up");
        HttpResponse<String> ready = get("/api/v1/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(json(ready).get("status").asText()).isEqualTo("ready");
    }

    @Test
    void callsCountsTheHeldRequests() throws Exception {
        HttpResponse<String> r = get("/api/v1/calls");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("push").asBoolean()).isTrue();
        assertThat(body.get("held").asInt()).isZero();
    }

    @Test
    void anUnknownCallIdHasNoTrace() throws Exception {
        HttpResponse<String> r = get("/api/v1/traces/no-such-call%40example.com");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).get("error").asText()).contains("no trace for Call-ID no-such-call@example.com");
    }

    @Test
    void bindingsAreListedShownAndDeletedWithTokensRedacted() throws Exception {
        addPushBinding();
        try {
            HttpResponse<String> list = get("/api/v1/bindings");
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(list.body()).doesNotContain(PRID);
            JsonNode body = json(list);
            assertThat(body.get("aors").asInt()).isEqualTo(1);
            assertThat(body.get("bindings").asInt()).isEqualTo(1);
            JsonNode binding = body.get("items").get(0).get("bindings").get(0);
            assertThat(body.get("items").get(0).get("aor").asText()).isEqualTo(AOR);
            assertThat(binding.get("push").get("provider").asText()).isEqualTo("apns");
            assertThat(binding.get("push").get("tokens").get(0).get("token").asText()).isEqualTo("EFFD…D5B6");
            assertThat(binding.get("contact").asText()).contains("pn-prid=EFFD…D5B6").contains("pn-provider=apns");
            assertThat(binding.get("user-agent").asText()).isEqualTo("TestPhone/1.0");
            assertThat(binding.get("expires-in").asLong()).isBetween(590L, 600L);

            HttpResponse<String> one = get("/api/v1/bindings/" + AOR);
            assertThat(one.statusCode()).isEqualTo(200);
            assertThat(one.body()).doesNotContain(PRID);
            assertThat(json(one).get("aor").asText()).isEqualTo(AOR);
            assertThat(json(one).get("bindings")).hasSize(1);
            // Without the scheme, sip: is assumed.
            assertThat(get("/api/v1/bindings/alice@example.com").statusCode()).isEqualTo(200);

            HttpResponse<String> revealed = get("/api/v1/bindings/" + AOR + "?reveal=true");
            assertThat(revealed.body()).contains(PRID);
            assertThat(get("/api/v1/bindings?reveal=true").body()).contains(PRID);
            assertThat(get("/api/v1/bindings?reveal=maybe").statusCode()).isEqualTo(400);

            HttpResponse<String> deleted = call("DELETE", "/api/v1/bindings/" + AOR, TOKEN);
            assertThat(deleted.statusCode()).isEqualTo(200);
            assertThat(json(deleted).get("removed").asInt()).isEqualTo(1);
            assertThat(sipwake().locations().lookup(AOR)).isEmpty();
            HttpResponse<String> gone = get("/api/v1/bindings/" + AOR);
            assertThat(gone.statusCode()).isEqualTo(404);
            assertThat(json(gone).get("error").asText()).contains("no bindings for " + AOR);
            assertThat(call("DELETE", "/api/v1/bindings/" + AOR, TOKEN).statusCode()).isEqualTo(404);
        } finally {
            removeAll();
        }
    }

    @Test
    void badRequestsGetJsonErrorsNeverStackTraces() throws Exception {
        HttpResponse<String> unknown = get("/api/v1/nothing");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("error").asText()).contains("no such endpoint");
        assertThat(get("/").statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/health/extra").statusCode()).isEqualTo(404);
        HttpResponse<String> post = call("POST", "/api/v1/bindings", TOKEN);
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(json(post).get("error").asText()).contains("not allowed");
        HttpResponse<String> badFlag = get("/api/v1/bindings?reveal=maybe");
        assertThat(badFlag.statusCode()).isEqualTo(400);
        assertThat(json(badFlag).get("error").asText()).contains("reveal");
        HttpResponse<String> noCallId = get("/api/v1/traces/");
        assertThat(noCallId.statusCode()).isEqualTo(400);
        for (HttpResponse<String> r : List.of(unknown, post, badFlag, noCallId)) assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    /** Every endpoint, asked wrongly: a 4xx whose body is a JSON error, never a stack trace. */
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "DELETE, /api/v1/health,                        405",
            "POST,   /api/v1/ready,                         405",
            "GET,    /api/v1/ready/now,                     404",
            "PUT,    /api/v1/bindings,                      405",
            "POST,   /api/v1/bindings/sip:alice@example.com, 405",
            "GET,    /api/v1/bindings/%20,                  400",
            "DELETE, /api/v1/bindings/sip:nobody@example.com, 404",
            "PUT,    /api/v1/calls,                         405",
            "GET,    /api/v1/calls/abc,                     404",
            "POST,   /api/v1/traces/abc,                    405",
            "GET,    /api/v1/push,                          405",
            "POST,   /api/v1/push/extra,                    404",
            "GET,    /api/v1/reload,                        405",
            "POST,   /api/v1/reload,                        409",
            "POST,   /metrics,                              405",
            "GET,    /api/v2/bindings,                      404",
            "GET,    /api/v1/,                              404"})
    void everyEndpointAnswersABadRequestWithAJsonError(String method, String path, int status) throws Exception {
        HttpResponse<String> r = call(method, path, TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(json(r).get("error").asText()).isNotBlank();
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("java.");
    }

    @Test
    void metricsShowTheBindingsGaugeMoveAndTheTransportCounters() throws Exception {
        assertThat(metric("sipwake_bindings_active")).isEqualTo(0.0);
        assertThat(metric("sipwake_aors_active")).isEqualTo(0.0);
        addPushBinding();
        try {
            assertThat(metric("sipwake_bindings_active")).isEqualTo(1.0);
            assertThat(metric("sipwake_aors_active")).isEqualTo(1.0);
        } finally {
            removeAll();
        }
        assertThat(metric("sipwake_bindings_active")).isEqualTo(0.0);
        HttpResponse<String> r = get("/metrics");
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(r.body()).contains("sipwake_push_held_requests 0.0")
                .contains("sipwake_transport_messages_total{kind=\"received\"}")
                .contains("sipwake_transport_messages_total{kind=\"dropped\"}")
                .contains("jvm_memory_used_bytes");
    }

    private double metric(String name) throws Exception {
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(r.body());
        assertThat(m.find()).as(name + " in\n" + r.body()).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void theBoundPortIsExposedWithPortZero() {
        assertThat(sipwake().admin().port()).isPositive();
    }

    @Test
    void aNonLoopbackAddressWithoutATokenIsAConfigErrorNamingTheKey(@TempDir Path other) throws Exception {
        Path file = other.resolve("sipwake.yaml");
        Files.writeString(file, "admin:\n  enabled: true\n  address: 0.0.0.0\n");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("admin.token-file").contains("loopback");
        // The server itself refuses too, should a config reach it unvalidated.
        ConfigException direct = catchThrowableOfType(ConfigException.class,
                () -> AdminServer.start(new io.sipwake.server.config.SipwakeConfig.Admin(true, "0.0.0.0", 0, null), sipwake()));
        assertThat(direct.getMessage()).startsWith("admin.token-file");
        // With a token file, any address is allowed.
        Path token = other.resolve("token");
        Files.writeString(token, "t0ken");
        Files.writeString(file, "admin:\n  enabled: true\n  address: 0.0.0.0\n  token-file: " + token + "\n");
        assertThat(ConfigLoader.load(file).admin().tokenFile()).isEqualTo(token);
        // An empty token file is refused.
        Files.writeString(token, "\n");
        assertThat(catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file)).getMessage())
                .contains("admin.token-file").contains("empty");
    }

    @Test
    void theAdminApiIsOffByDefault() {
        assertThat(ConfigLoader.load(null).admin().enabled()).isFalse();
    }

    @Test
    void withoutATokenFileOnLoopbackNothingIsAuthenticated(@TempDir Path other) throws Exception {
        try (TestServer open = TestServer.start(other, "", "", "admin:\n  enabled: true\n  port: 0\n")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + open.server().admin().port() + "/api/v1/bindings")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).get("aors").asInt()).isZero();
            assertThat(json(r).has("items")).isTrue();
        }
    }

    @Test
    void redactionShortensEveryTokenCarryingParameter() {
        assertThat(AdminServer.redactParams("<sip:a@h;pn-provider=fcm;pn-prid=abcdefghijklmnopqrstuvwxyz>;x-push-uri=\"https://push.example/abcdefghijk123\""))
                .isEqualTo("<sip:a@h;pn-provider=fcm;pn-prid=abcd…wxyz>;x-push-uri=\"htt…123\"");
        assertThat(AdminServer.redactParams("<sip:a@h;pn-type=firebase;app-id=x;pn-tok=short>")).isEqualTo("<sip:a@h;pn-type=firebase;app-id=x;pn-tok=…(5 chars)>");
    }
}

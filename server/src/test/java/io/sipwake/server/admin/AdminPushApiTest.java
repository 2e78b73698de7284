package io.sipwake.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sipwake.server.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code POST /api/v1/push} on a sipwake without push providers: a bad body is a 400 with a JSON error, a good one
 * a 503 (push is off). The provider's answers are covered by the CLI tests against MockApns.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminPushApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TestServer server;

    @BeforeAll
    void start(@TempDir Path dir) {
        server = TestServer.start(dir, "", "", "admin:\n  enabled: true\n  port: 0\n");
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    private HttpResponse<String> call(String method, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.server().admin().port() + "/api/v1/push"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest(name = "{0} -> 400 {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "``                                                  | expected a JSON object",
            "`{not json`                                         | not valid JSON",
            "`[1]`                                               | expected a JSON object",
            "`{\"aor\": \"sip:bob@example.com\", \"token\": \"x\"}` | not both",
            "`{\"provider\": \"apns\"}`                          | give 'aor', or 'provider' and 'token'",
            "`{\"aor\": 5}`                                      | 'aor' must be a non-empty string",
            "`{\"aor\": \"bob\", \"color\": \"red\"}`            | unknown field 'color'",
            "`{\"aor\": \"bob\", \"kind\": \"ring\"}`            | unknown kind 'ring'",
            "`{\"provider\": \"apns\", \"token\": \"t\", \"sandbox\": \"yes\"}` | 'sandbox' must be true or false"})
    void aBadBodyIs400WithAJsonError(String body, String error) throws Exception {
        HttpResponse<String> r = call("POST", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("error").asText()).contains(error);
    }

    @Test
    void aGoodBodyIs503WhenPushIsOff() throws Exception {
        HttpResponse<String> r = call("POST", "{\"provider\": \"apns\", \"param\": \"T.b\", \"token\": \"abc\", \"kind\": \"missed-call\"}");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(r.body()).get("error").asText()).startsWith("push is off");
    }

    @Test
    void getIs405() throws Exception {
        assertThat(call("GET", null).statusCode()).isEqualTo(405);
    }
}

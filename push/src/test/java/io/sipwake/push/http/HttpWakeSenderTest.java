package io.sipwake.push.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.sipwake.push.PushKind;
import io.sipwake.push.PushRequest;
import io.sipwake.push.PushResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpWakeSenderTest {

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> bodies = new ConcurrentLinkedQueue<>();
    private HttpWakeSender sender;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            if (exchange.getRequestURI().getPath().startsWith("/elsewhere")) {
                exchange.sendResponseHeaders(200, -1);
            } else {
                Integer status = statuses.poll();
                int s = status == null ? 200 : status;
                if (s >= 300 && s < 400) exchange.getResponseHeaders().add("Location", base() + "/elsewhere");
                exchange.sendResponseHeaders(s, -1);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (sender != null) sender.close();
        server.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private HttpWakeSender sender(List<String> allow) {
        sender = new HttpWakeSender(HttpWakeSettings.of(allow).withTimeout(Duration.ofSeconds(2))
                .withRetry(3, Duration.ofMillis(20), Duration.ofMillis(50)));
        return sender;
    }

    private static PushRequest push(String url) {
        Instant now = Instant.now();
        return new PushRequest("x-push-uri", null, url, false, PushKind.CALL, now.plusSeconds(10), "call-1@host",
                "uuid", "sip:alice@example.com", "Alice", false, now, null);
    }

    private static PushResult send(HttpWakeSender s, String url) throws Exception {
        return s.send(push(url)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void twoHundredIsAcceptedAndTheBodyIsTheDocumentedJson() throws Exception {
        PushResult r = send(sender(List.of("127.0.0.1/32")), base() + "/wake/secret-token-123456?x=1");
        assertThat(r).isInstanceOf(PushResult.Accepted.class);
        assertThat(((PushResult.Accepted) r).status()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(bodies.poll());
        assertThat(body.path("type").asText()).isEqualTo("call");
        assertThat(body.path("call-id").asText()).isEqualTo("call-1@host");
        assertThat(body.path("caller").asText()).isEqualTo("sip:alice@example.com");
        assertThat(body.path("sent-at").isNumber()).isTrue();
    }

    @Test
    void gone410MeansTheUrlIsDead() throws Exception {
        statuses.add(410);
        PushResult r = send(sender(List.of("127.0.0.1")), base() + "/wake");
        assertThat(r).isInstanceOfSatisfying(PushResult.Rejected.class, rej -> {
            assertThat(rej.status()).isEqualTo(410);
            assertThat(rej.tokenIsDead()).isTrue();
            assertThat(rej.operatorError()).isFalse();
        });
    }

    @Test
    void otherClientErrorsAreRejectedButNotDead() throws Exception {
        statuses.add(400);
        PushResult r = send(sender(List.of("127.0.0.1")), base() + "/wake");
        assertThat(r).isInstanceOfSatisfying(PushResult.Rejected.class, rej -> assertThat(rej.tokenIsDead()).isFalse());
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void serverErrorIsRetriedThenAccepted() throws Exception {
        statuses.add(500);
        statuses.add(200);
        PushResult r = send(sender(List.of("127.0.0.0/8")), base() + "/wake");
        assertThat(r).isInstanceOf(PushResult.Accepted.class);
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void persistentServerErrorsFailAfterTheAttempts() throws Exception {
        statuses.add(503);
        statuses.add(503);
        statuses.add(503);
        PushResult r = send(sender(List.of("127.0.0.1")), base() + "/wake");
        assertThat(r).isInstanceOf(PushResult.Failed.class);
        assertThat(requests.get()).isEqualTo(3);
    }

    @Test
    void redirectIsNotFollowed() throws Exception {
        statuses.add(302);
        PushResult r = send(sender(List.of("127.0.0.1")), base() + "/wake");
        assertThat(r).isInstanceOfSatisfying(PushResult.Rejected.class, rej -> {
            assertThat(rej.status()).isEqualTo(302);
            assertThat(rej.tokenIsDead()).isFalse();
        });
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void urlOutsideTheAllowListIsRejectedWithoutAnyRequest() throws Exception {
        PushResult r = send(sender(List.of("push.example.com", "10.0.0.0/8")), base() + "/wake");
        assertThat(r).isInstanceOfSatisfying(PushResult.Rejected.class, rej -> {
            assertThat(rej.tokenIsDead()).isFalse();
            assertThat(rej.operatorError()).isFalse();
            assertThat(rej.reason()).contains("not in push.http.allow-hosts");
        });
        PushResult other = send(sender, "http://evil.example.org:" + server.getAddress().getPort() + "/wake");
        assertThat(other).isInstanceOfSatisfying(PushResult.Rejected.class,
                rej -> assertThat(rej.reason()).contains("evil.example.org"));
        assertThat(requests.get()).isZero();
    }

    @Test
    void onlyHttpAndHttpsWithoutUserInfo() throws Exception {
        HttpWakeSender s = sender(List.of("127.0.0.1", "localhost"));
        for (String url : List.of("file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1:70/x",
                "http://user:pw@127.0.0.1:" + server.getAddress().getPort() + "/", "not a url", "http:///nohost")) {
            assertThat(send(s, url)).as(url).isInstanceOfSatisfying(PushResult.Rejected.class, rej -> {
                assertThat(rej.status()).isZero();
                assertThat(rej.tokenIsDead()).isFalse();
            });
        }
        assertThat(requests.get()).isZero();
    }

    @Test
    void aNameResolvingToAPrivateAddressIsRefusedUnlessACidrAllowsIt() throws Exception {
        String url = "http://localhost:" + server.getAddress().getPort() + "/wake";
        PushResult r = send(sender(List.of("localhost")), url);
        assertThat(r).isInstanceOfSatisfying(PushResult.Rejected.class, rej -> {
            assertThat(rej.reason()).startsWith("ADDRESS_NOT_ALLOWED");
            assertThat(rej.tokenIsDead()).isFalse();
            assertThat(rej.operatorError()).isFalse();
        });
        assertThat(requests.get()).isZero();
        sender.close();

        PushResult allowed = send(sender(List.of("localhost", "127.0.0.0/8", "::1")), url);
        assertThat(allowed).isInstanceOf(PushResult.Accepted.class);
    }

    @Test
    void otherProvidersAreRefused() throws Exception {
        PushRequest fcm = new PushRequest("fcm", null, base(), false, PushKind.CALL, Instant.now().plusSeconds(5), null,
                null, null, null, false, Instant.now(), null);
        assertThat(sender(List.of("127.0.0.1")).send(fcm).get(5, TimeUnit.SECONDS))
                .isInstanceOfSatisfying(PushResult.Rejected.class, rej -> assertThat(rej.operatorError()).isTrue());
        assertThat(sender.providers()).containsExactly("x-push-uri");
    }

    @Test
    void closedSenderFails() throws Exception {
        HttpWakeSender s = sender(List.of("127.0.0.1"));
        s.close();
        assertThat(send(s, base())).isInstanceOf(PushResult.Failed.class);
    }

    @Test
    void settingsRefuseAnEmptyOrBadAllowList() {
        assertThatThrownBy(() -> HttpWakeSettings.of(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpWakeSettings.of(List.of("10.0.0.0/33"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpWakeSettings.of(List.of("exa mple.com"))).isInstanceOf(IllegalArgumentException.class);
    }
}

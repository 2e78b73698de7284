package io.sipwake.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sipwake.testing.Cli;
import com.sun.net.httpserver.HttpServer;
import io.sipwake.server.TestServer;
import io.sipwake.store.Binding;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call held while its phone wakes, seen through the admin API: {@code /api/v1/calls} counts it, {@code /api/v1/traces}
 * shows its timeline, {@code /metrics} its gauge. The phone wakes by an HTTP wake-up URL (X-PUSH-URI) served here.
 */
class AdminHeldCallTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aHeldCallShowsInCallsTracesAndMetrics(@TempDir Path dir) throws Exception {
        AtomicInteger wakes = new AtomicInteger();
        HttpServer wake = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        wake.createContext("/wake", ex -> {
            ex.getRequestBody().readAllBytes();
            wakes.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        wake.start();
        try (TestServer server = TestServer.start(dir, "", "", "push:\n  call-timeout: 3s\n  http:\n    allow-hosts: [127.0.0.1/32]\n"
                + "admin:\n  enabled: true\n  port: 0\n");
                DatagramSocket caller = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            String aor = "sip:alice@127.0.0.1";
            String url = "http://127.0.0.1:" + wake.getAddress().getPort() + "/wake";
            long now = System.currentTimeMillis();
            Binding sleeping = new Binding(aor, "<sip:alice@127.0.0.1:5999>",
                    "<sip:alice@127.0.0.1:5999;x-push-uri=" + URLEncoder.encode(url, StandardCharsets.UTF_8) + ">", null, null, Binding.NO_Q,
                    "reg-1@test", 1, now + 600_000, null, null, "udp:127.0.0.1:5999", "Zoiper", now);
            server.server().locations().update(aor, current -> List.of(sleeping)).join();
            String base = "http://127.0.0.1:" + server.server().admin().port();

            JsonNode binding = get(base + "/api/v1/bindings/" + aor).get("bindings").get(0);
            assertThat(binding.get("push").get("provider").asText()).isEqualTo("x-push-uri");
            assertThat(binding.toString()).doesNotContain(url).doesNotContain(URLEncoder.encode(url, StandardCharsets.UTF_8));

            String callId = "held-call-" + System.nanoTime() + "@127.0.0.1";
            String uri = "sip:alice@127.0.0.1:" + server.port();
            String invite = "INVITE " + uri + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + caller.getLocalPort() + ";branch=z9hG4bK" + System.nanoTime() + ";rport\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:caller@127.0.0.1>;tag=c1\r\nTo: <" + uri + ">\r\nCall-ID: " + callId + "\r\n"
                    + "CSeq: 1 INVITE\r\nContact: <sip:caller@127.0.0.1:" + caller.getLocalPort() + ">\r\nContent-Length: 0\r\n\r\n";
            byte[] bytes = invite.getBytes(StandardCharsets.UTF_8);
            caller.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), server.port()));

            await().atMost(Duration.ofSeconds(8)).until(() -> get(base + "/api/v1/calls").get("held").asInt() == 1);
            await().atMost(Duration.ofSeconds(8)).until(() -> wakes.get() >= 1);
            JsonNode held = get(base + "/api/v1/calls").get("items").get(0);
            assertThat(held.get("call-id").asText()).isEqualTo(callId);
            assertThat(held.get("method").asText()).isEqualTo("INVITE");
            assertThat(held.get("aor").asText()).isEqualTo(aor);
            assertThat(held.get("provider").asText()).isEqualTo("x-push-uri");
            assertThat(java.time.Instant.parse(held.get("held-since").asText())).isBeforeOrEqualTo(java.time.Instant.now());
            assertThat(held.get("timeline").toString()).contains("received INVITE", "push sent to x-push-uri").doesNotContain(url);
            Cli.Result calls = Cli.sipwake("calls", "--admin", base);
            assertThat(calls.exitCode()).as(calls.err()).isZero();
            assertThat(calls.out()).contains("INVITE " + callId + " for " + aor + " via x-push-uri, held ", "received INVITE",
                    "1 request(s) held while their phone wakes");
            String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("sipwake_push_held_requests 1.0").doesNotContain("sipwake_transport_messages_total{kind=\"received\"} 0.0")
                    .contains("sipwake_bindings_by_provider{provider=\"x-push-uri\"} 1.0");

            // The phone never registers: after push.call-timeout the call ends (480) and its timeline is kept.
            String tracePath = base + "/api/v1/traces/" + URLEncoder.encode(callId, StandardCharsets.UTF_8);
            await().atMost(Duration.ofSeconds(10)).until(() -> http.send(HttpRequest.newBuilder(URI.create(tracePath)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
            assertThat(get(base + "/api/v1/calls").get("held").asInt()).isZero();
            JsonNode traces = get(tracePath);
            assertThat(traces.get("call-id").asText()).isEqualTo(callId);
            JsonNode trace = traces.get("traces").get(0);
            assertThat(trace.get("method").asText()).isEqualTo("INVITE");
            assertThat(trace.get("aor").asText()).isEqualTo(aor);
            assertThat(trace.get("provider").asText()).isEqualTo("x-push-uri");
            assertThat(trace.get("timeline")).isNotEmpty();
            assertThat(trace.get("timeline").toString()).doesNotContain(url);
            // the Bucket Timer fired once; the wake-up URL answered 200, a push the provider accepted
            String after = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(after).contains("sipwake_bucket_timeouts_total 1.0")
                    .contains("sipwake_pushes_total{outcome=\"accepted\",provider=\"x-push-uri\"} 1.0")
                    .contains("sipwake_sip_responses_total{code=\"480\",method=\"INVITE\"} 1.0")
                    .doesNotContain("sipwake_wake_latency_seconds_count");
        } finally {
            wake.stop(0);
        }
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}

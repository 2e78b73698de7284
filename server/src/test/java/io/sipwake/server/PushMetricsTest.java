package io.sipwake.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sipwake.push.apns.testing.MockApns;
import io.sipwake.testing.PeerTransport;
import io.sipwake.testing.Peers;
import io.sipwake.testing.Sipp;
import io.sipwake.testing.SippProcess;
import io.sipwake.testing.SippResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus endpoint during a woken call (PushWakeUpTest's call, with the admin API on port 0): the SIP request and
 * response counters, the push counter, the push round trip and the wake latency move while the call is held and when
 * the phone wakes; label values stay bounded.
 */
class PushMetricsTest {
    private static final String TOKEN = "11fc13adff785122b4ad28809a3420982341241421348097878e577c991de8f1";
    private static final String PN = ";pn-provider=apns;pn-param=" + PushTestSupport.TEAM + "." + PushTestSupport.BUNDLE
            + ".voip;pn-prid=" + TOKEN;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theMetricsEndpointShowsTheCountersMovingDuringAWokenCall(@TempDir Path dir) throws Exception {
        Peers.require("sipp");
        java.nio.file.Files.createDirectories(dir.resolve("apns"));
        try (MockApns apns = MockApns.start(dir.resolve("apns"), PushTestSupport.TEAM, PushTestSupport.KEY_ID, Set.of(PushTestSupport.BUNDLE));
                TestServer server = TestServer.start(dir, "", "", PushTestSupport.pushConfig(apns, "30s")
                        + "admin:\n  enabled: true\n  port: 0\n")) {
            apns.allow(PushTestSupport.BUNDLE + ".voip", TOKEN);
            int port = server.port();
            String metricsUrl = "http://127.0.0.1:" + server.server().admin().port() + "/metrics";

            PushTestSupport.registerAndSleep(server, "bob", PN);
            String before = scrape(metricsUrl);
            assertThat(value(before, "sipwake_sip_requests_total", "method=\"REGISTER\"")).isGreaterThanOrEqualTo(1);
            assertThat(value(before, "sipwake_sip_responses_total", "code=\"200\"", "method=\"REGISTER\"")).isGreaterThanOrEqualTo(1);
            assertThat(value(before, "sipwake_registrations_total", "outcome=\"accepted\"", "provider=\"apns\"")).as("registrations by provider")
                    .isGreaterThanOrEqualTo(1);
            assertThat(value(before, "sipwake_bucket_timeouts_total")).isEqualTo(0);
            assertThat(value(before, "sipwake_pushes_total", "outcome=\"accepted\"", "provider=\"apns\"")).isLessThan(1); // none yet

            String callId = "metrics-" + UUID.randomUUID();
            try (SippProcess caller = Sipp.scenario("sipp/caller.xml").remote("127.0.0.1", port).transport(PeerTransport.UDP)
                    .service("bob").callId(callId).timeout(Duration.ofSeconds(40)).start()) {
                await().atMost(Duration.ofSeconds(15)).until(() -> !apns.received().isEmpty());
                // held: the INVITE and its push are counted, the phone has not woken yet
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        value(scrape(metricsUrl), "sipwake_pushes_total", "outcome=\"accepted\"", "provider=\"apns\"") == 1);
                String held = scrape(metricsUrl);
                assertThat(value(held, "sipwake_sip_requests_total", "method=\"INVITE\"")).isEqualTo(1);
                assertThat(value(held, "sipwake_sip_responses_total", "code=\"100\"", "method=\"INVITE\"")).isEqualTo(1);
                assertThat(value(held, "sipwake_pushes_sent_total", "kind=\"call\"", "provider=\"apns\"")).isEqualTo(1);
                assertThat(value(held, "sipwake_push_round_trip_seconds_count", "provider=\"apns\"")).isEqualTo(1);
                assertThat(held).contains("sipwake_push_round_trip_seconds_bucket{");
                assertThat(value(held, "sipwake_push_held_requests")).isEqualTo(1);
                assertThat(value(held, "sipwake_wake_latency_seconds_count")).isEqualTo(-1); // not woken yet: no sample

                try (SippProcess phone = Sipp.scenario("sipp/callee-push.xml").remote("127.0.0.1", port).transport(PeerTransport.TCP)
                        .service("bob").auth("bob", TestServer.PASSWORD).key("pn", PN).callId(callId).start()) {
                    assertThat(caller.awaitResult()).matches(SippResult::succeeded, "the caller's call completed");
                    assertThat(phone.awaitResult()).matches(SippResult::succeeded, "the woken phone answered");
                }
            }
            String after = scrape(metricsUrl);
            assertThat(value(after, "sipwake_wake_latency_seconds_count")).isEqualTo(1);
            assertThat(value(after, "sipwake_wake_latency_seconds_sum")).isGreaterThan(0);
            assertThat(after).contains("sipwake_wake_latency_seconds_bucket{");
            assertThat(value(after, "sipwake_sip_responses_total", "code=\"200\"", "method=\"INVITE\"")).isEqualTo(1);
            assertThat(value(after, "sipwake_sip_requests_total", "method=\"ACK\"")).isGreaterThanOrEqualTo(1);
            assertThat(value(after, "sipwake_sip_requests_total", "method=\"BYE\"")).isGreaterThanOrEqualTo(1);
            assertThat(value(after, "sipwake_push_held_requests")).isEqualTo(0);
            assertThat(value(after, "sipwake_bucket_timeouts_total")).isEqualTo(0);

            // label values stay bounded: unknown methods and free-text reasons are folded
            var metrics = server.server().metrics();
            metrics.requestReceived("XYZZY");
            metrics.responseSent("XYZZY", 501);
            metrics.pushOutcome("apns", "no sender for provider apns", Duration.ofMillis(3));
            metrics.deadTokenPruned("apns");
            String folded = scrape(metricsUrl);
            assertThat(folded).doesNotContain("XYZZY").doesNotContain("no sender");
            assertThat(value(folded, "sipwake_sip_requests_total", "method=\"OTHER\"")).isEqualTo(1);
            assertThat(value(folded, "sipwake_sip_responses_total", "code=\"501\"", "method=\"OTHER\"")).isEqualTo(1);
            assertThat(value(folded, "sipwake_pushes_total", "outcome=\"rejected\"", "provider=\"apns\"")).isEqualTo(1);
            assertThat(value(folded, "sipwake_dead_tokens_pruned_total", "provider=\"apns\"")).isEqualTo(1);
        }
    }

    private String scrape(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The value of the sample {@code name} whose labels include every one of {@code labels}, or -1 if there is none. */
    static double value(String scrape, String name, String... labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$").matcher(scrape);
        while (m.find()) {
            String l = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (String label : labels) all &= l.contains(label);
            if (all) return Double.parseDouble(m.group(2));
        }
        return -1;
    }
}

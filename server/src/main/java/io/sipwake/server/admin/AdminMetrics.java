package io.sipwake.server.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sipwake.proxy.ProxyMetrics;
import io.sipwake.proxy.location.LocationService;
import io.sipwake.proxy.push.PushParameters;
import io.sipwake.proxy.registrar.Registrar;
import io.sipwake.store.Binding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import io.sipwake.sip.transport.TransportStats;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import java.util.function.ToDoubleFunction;

/**
 * sipwake's meters in a Prometheus registry. The state gauges and transport counters are read when scraped; the
 * proxy's events arrive through {@link ProxyMetrics} and increment Micrometer counters and timers (lock-free on the
 * SIP path once a meter exists). Label values are bounded: unknown methods become {@code OTHER}, free-text push
 * rejection reasons {@code rejected}, unknown providers {@code other}.
 * <ul>
 *   <li>{@code sipwake_sip_requests_total{method}}, {@code sipwake_sip_responses_total{method,code}}: SIP traffic
 *       through the proxy;</li>
 *   <li>{@code sipwake_registrations_total{outcome=accepted|challenged|rejected|error}};</li>
 *   <li>{@code sipwake_pushes_sent_total{provider,kind}}, {@code sipwake_pushes_total{provider,outcome}} (outcome
 *       {@code accepted}, the provider's rejection reason, or {@code failed});</li>
 *   <li>{@code sipwake_push_round_trip_seconds{provider}}, {@code sipwake_wake_latency_seconds} (push sent →
 *       re-REGISTER): timers with histogram buckets for percentiles;</li>
 *   <li>{@code sipwake_bucket_timeouts_total}, {@code sipwake_dead_tokens_pruned_total{provider}};</li>
 *   <li>{@code sipwake_bindings_active}, {@code sipwake_aors_active}: the registrar's bindings and AORs now;
 *       {@code sipwake_bindings_by_provider{provider}}: the bindings by push provider ({@code none} without push);</li>
 *   <li>{@code sipwake_push_held_requests}: requests held while their phone wakes;</li>
 *   <li>{@code sipwake_transport_messages_total{kind=received|sent|rejected|dropped}},
 *       {@code sipwake_transport_connections_total{kind=accepted|opened|refused|idle_closed}},
 *       {@code sipwake_transport_keepalive_pings_total}: the transport counters;</li>
 *   <li>JVM memory, threads, classes, CPU and uptime.</li>
 * </ul>
 */
public final class AdminMetrics implements ProxyMetrics {
    private static final Set<String> METHODS = Set.of("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "PRACK",
            "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO", "REFER", "MESSAGE", "UPDATE");
    private static final Pattern REASON = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,47}");
    private static final Pattern PROVIDER = Pattern.compile("[a-z0-9][a-z0-9._-]{0,23}");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final LocationService locations;
    private final MultiGauge bindingsByProvider;

    /** Gauges are strongly referenced: Micrometer's default weak reference would let a lambda supplier be collected (NaN). */
    public AdminMetrics(LocationService locations, IntSupplier heldRequests, TransportStats transport) {
        this.locations = locations;
        this.bindingsByProvider = MultiGauge.builder("sipwake.bindings.by.provider")
                .description("Registered contacts now, by the push provider they registered (none: no push parameters)").register(registry);
        Gauge.builder("sipwake.bindings.active", locations, LocationService::bindingCount)
                .description("Registered contacts (bindings) now").strongReference(true).register(registry);
        Gauge.builder("sipwake.aors.active", locations, LocationService::aorCount)
                .description("Addresses-of-record with at least one binding").strongReference(true).register(registry);
        Gauge.builder("sipwake.push.held.requests", heldRequests, IntSupplier::getAsInt)
                .description("Requests held while their phone is woken by a push").strongReference(true).register(registry);
        counter("sipwake.transport.messages", "received", transport, TransportStats::receivedMessages, "Well-formed SIP messages received");
        counter("sipwake.transport.messages", "sent", transport, TransportStats::sentMessages, "SIP messages sent");
        counter("sipwake.transport.messages", "rejected", transport, TransportStats::rejectedMessages,
                "Malformed requests answered with an error");
        counter("sipwake.transport.messages", "dropped", transport, TransportStats::droppedMessages, "Inputs discarded without an answer");
        counter("sipwake.transport.connections", "accepted", transport, TransportStats::connectionsAccepted, "Connections");
        counter("sipwake.transport.connections", "opened", transport, TransportStats::connectionsOpened, "Connections");
        counter("sipwake.transport.connections", "refused", transport, TransportStats::connectionsRefused, "Connections");
        counter("sipwake.transport.connections", "idle_closed", transport, TransportStats::idleClosures, "Connections");
        FunctionCounter.builder("sipwake.transport.keepalive.pings", transport, s -> s.keepAlivePings())
                .description("CRLF keep-alives received").register(registry);
        Counter.builder("sipwake.bucket.timeouts").description("Held requests whose Bucket Timer fired (the phone did not wake)")
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    private void counter(String name, String kind, TransportStats stats, ToDoubleFunction<TransportStats> f, String description) {
        FunctionCounter.builder(name, stats, f).tag("kind", kind).description(description).register(registry);
    }

    @Override
    public void requestReceived(String method) {
        Counter.builder("sipwake.sip.requests").description("SIP requests received by the proxy")
                .tag("method", method(method)).register(registry).increment();
    }

    @Override
    public void responseSent(String method, int status) {
        Counter.builder("sipwake.sip.responses").description("SIP responses sent upstream (made here or forwarded)")
                .tag("method", method(method)).tag("code", status >= 100 && status <= 699 ? Integer.toString(status) : "other")
                .register(registry).increment();
    }

    @Override
    public void registration(String outcome, String provider) {
        Counter.builder("sipwake.registrations").description("REGISTER requests answered, by outcome and push provider (none: no push)")
                .tag("outcome", outcome).tag("provider", "none".equals(provider) ? provider : provider(provider)).register(registry).increment();
    }

    @Override
    public void pushSent(String provider, String kind) {
        Counter.builder("sipwake.pushes.sent").description("Pushes handed to a provider, by kind")
                .tag("provider", provider(provider)).tag("kind", kind).register(registry).increment();
    }

    @Override
    public void pushOutcome(String provider, String outcome, Duration roundTrip) {
        String p = provider(provider);
        String o = outcome == null ? "failed" : REASON.matcher(outcome).matches() ? outcome : "rejected";
        Counter.builder("sipwake.pushes").description("Pushes answered, by outcome: accepted, the rejection reason, or failed")
                .tag("provider", p).tag("outcome", o).register(registry).increment();
        Timer.builder("sipwake.push.round.trip").description("Time from sending a push to the provider's answer")
                .tag("provider", p).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry).record(roundTrip);
    }

    @Override
    public void wakeLatency(Duration pushSentToReRegister) {
        Timer.builder("sipwake.wake.latency").description("Time from a wake-up push being sent to the phone's re-REGISTER")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry).record(pushSentToReRegister);
    }

    @Override
    public void heldRequestTimedOut() {
        Counter.builder("sipwake.bucket.timeouts").description("Held requests whose Bucket Timer fired (the phone did not wake)")
                .register(registry).increment();
    }

    @Override
    public void deadTokenPruned(String provider) {
        Counter.builder("sipwake.dead.tokens.pruned").description("Bindings removed because the provider declared the token dead")
                .tag("provider", provider(provider)).register(registry).increment();
    }

    private static String method(String method) {
        return method != null && METHODS.contains(method) ? method : "OTHER";
    }

    private static String provider(String provider) {
        if (provider == null) return "other";
        String p = provider.toLowerCase(Locale.ROOT);
        return PROVIDER.matcher(p).matches() ? p : "other";
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        countBindingsByProvider();
        return registry.scrape();
    }

    /** Counted when scraped: one pass over the bindings in memory, no store access. */
    private void countBindingsByProvider() {
        Map<String, Integer> counts = new TreeMap<>();
        for (List<Binding> bindings : locations.allBindings().values()) {
            for (Binding b : bindings) {
                PushParameters p = Registrar.pushParameters(b);
                counts.merge(p == null ? "none" : provider(p.provider()), 1, Integer::sum);
            }
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        counts.forEach((provider, n) -> rows.add(MultiGauge.Row.of(Tags.of("provider", provider), n)));
        bindingsByProvider.register(rows, true);
    }

    public void close() {
        registry.close();
    }
}

package io.sipwake.server.admin;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sipwake.proxy.location.LocationService;
import io.sipwake.sip.transport.TransportStats;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;

/**
 * sipwake's meters in a Prometheus registry. Everything is read when scraped (gauges and function counters over the
 * live state), so nothing on the SIP path writes to Micrometer:
 * <ul>
 *   <li>{@code sipwake_bindings_active}, {@code sipwake_aors_active}: the registrar's bindings and AORs now;</li>
 *   <li>{@code sipwake_push_held_requests}: requests held while their phone wakes;</li>
 *   <li>{@code sipwake_transport_messages_total{kind=received|sent|rejected|dropped}},
 *       {@code sipwake_transport_connections_total{kind=accepted|opened|refused|idle_closed}},
 *       {@code sipwake_transport_keepalive_pings_total}: the transport counters;</li>
 *   <li>JVM memory, threads, classes, CPU and uptime.</li>
 * </ul>
 */
public final class AdminMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** Gauges are strongly referenced: Micrometer's default weak reference would let a lambda supplier be collected (NaN). */
    public AdminMetrics(LocationService locations, IntSupplier heldRequests, TransportStats transport) {
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
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    private void counter(String name, String kind, TransportStats stats, ToDoubleFunction<TransportStats> f, String description) {
        FunctionCounter.builder(name, stats, f).tag("kind", kind).description(description).register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    public void close() {
        registry.close();
    }
}

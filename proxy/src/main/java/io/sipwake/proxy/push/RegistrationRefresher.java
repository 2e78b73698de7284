package io.sipwake.proxy.push;

import io.sipwake.proxy.ProxyMetrics;
import io.sipwake.proxy.location.LocationService;
import io.sipwake.proxy.registrar.Registrar;
import io.sipwake.push.PushKind;
import io.sipwake.push.PushRequest;
import io.sipwake.push.PushResult;
import io.sipwake.store.Binding;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic binding refresh by push (RFC 8599 §5.5): a push binding that its phone has not refreshed by
 * {@code lead} before it expires gets one refresh push, so that a sleeping phone registers again and stays
 * reachable. "It is RECOMMENDED that the proxy requests the push notification at least 120 seconds before
 * the binding expires."
 *
 * <p>Only providers that allow a silent push do this (FCM): an iOS app may only receive a VoIP push for a call it
 * reports to CallKit, and background pushes are throttled, so APNs bindings are never refresh-pushed. A binding
 * that expired is never pushed again (§5.5), and a token the provider declares dead is pruned.
 *
 * <p>{@link #run} is called periodically (on a housekeeping thread); it only sends, never waits.
 */
public final class RegistrationRefresher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(RegistrationRefresher.class);
    /** Providers whose pushes can wake an app silently to register. */
    public static final Set<String> SILENT_PUSH_PROVIDERS = Set.of("fcm", "webpush");

    private final LocationService locations;
    private final PushDispatcher pushes;
    private final Clock clock;
    private final Duration lead;
    private final ToLongFunction<Binding> registrationExpiry;
    private final PushBucket.DeadTokenPruner pruner;
    /** Bindings already refresh-pushed, by AOR and binding key, with the write they were pushed for. */
    private final Map<String, Long> pushedFor = new ConcurrentHashMap<>();
    private volatile ProxyMetrics metrics = ProxyMetrics.NOOP;

    /**
     * @param lead               how long before expiry the push goes (at least 120 s, §5.5)
     * @param registrationExpiry when a binding's registration really expires, epoch millis (edge mode keeps push
     *                           bindings a while past the upstream's expiry: that time is not the registration's)
     */
    public RegistrationRefresher(LocationService locations, PushDispatcher pushes, Clock clock, Duration lead,
            ToLongFunction<Binding> registrationExpiry, PushBucket.DeadTokenPruner pruner) {
        if (lead.compareTo(Duration.ofSeconds(120)) < 0) throw new IllegalArgumentException("RFC 8599 §5.5: at least 120 s before expiry, not " + lead);
        this.locations = locations;
        this.pushes = pushes;
        this.clock = clock;
        this.lead = lead;
        this.registrationExpiry = registrationExpiry;
        this.pruner = pruner;
    }

    public void setMetrics(ProxyMetrics metrics) {
        this.metrics = metrics == null ? ProxyMetrics.NOOP : metrics;
    }

    @Override
    public void run() {
        long now = clock.millis();
        pushedFor.keySet().removeIf(this::isGone);
        locations.forEachBinding(b -> refreshIfDue(b, now)); // no copy of every binding every scan
    }

    private boolean isGone(String key) {
        int bar = key.indexOf('|');
        String aor = key.substring(0, bar);
        String bindingKey = key.substring(bar + 1);
        return locations.lookup(aor).stream().noneMatch(b -> b.bindingKey().equals(bindingKey));
    }

    private void refreshIfDue(Binding b, long now) {
        if (HookWake.isHookBinding(b)) return; // a token a PBX dialplan handed over, not a registration to keep alive
        long expiry = registrationExpiry.applyAsLong(b);
        if (expiry <= now || expiry - now > lead.toMillis()) return; // expired: never again (§5.5); or not yet due
        if (expiry - b.updatedAtMillis() <= lead.toMillis()) return; // so short a registration would be pushed as it is made
        PushParameters push = Registrar.pushParameters(b);
        if (push == null || !SILENT_PUSH_PROVIDERS.contains(push.provider())) return;
        var token = push.tokenFor(io.sipwake.proxy.push.PushKind.MESSAGE);
        if (token.isEmpty()) return;
        String key = b.aor() + "|" + b.bindingKey();
        Long previous = pushedFor.put(key, b.updatedAtMillis());
        if (previous != null && previous == b.updatedAtMillis()) return; // this registration was pushed already
        Instant deadline = Instant.ofEpochMilli(expiry);
        PushRequest request = new PushRequest(push.provider(), push.param(), token.get().token(), push.sandbox(),
                PushKind.REGISTRATION_REFRESH, deadline, null, null, null, null, false, clock.instant(), null);
        metrics.pushSent(push.provider(), "registration_refresh");
        long sent = System.nanoTime();
        pushes.send(request).whenComplete((result, error) -> {
            String outcome = result instanceof PushResult.Accepted ? "accepted" : result instanceof PushResult.Rejected r ? r.reason() : "failed";
            metrics.pushOutcome(push.provider(), outcome, Duration.ofNanos(System.nanoTime() - sent));
            if (result instanceof PushResult.Rejected rejected && rejected.tokenIsDead()) {
                log.info("refresh push for {}: token {} is dead ({}), binding removed", b.aor(), request.redactedPrid(), rejected.reason());
                pruner.prune(b.aor(), b.bindingKey());
                metrics.deadTokenPruned(push.provider());
            } else if (!(result instanceof PushResult.Accepted)) {
                log.warn("refresh push for {} to {} not sent: {}", b.aor(), request.redactedPrid(), outcome);
            } else {
                log.debug("refresh push sent to {} ({} s before expiry)", b.aor(), (expiry - clock.millis()) / 1000);
            }
        });
    }
}

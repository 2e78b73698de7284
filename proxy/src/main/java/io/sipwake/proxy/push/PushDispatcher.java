package io.sipwake.proxy.push;

import io.sipwake.push.PushRequest;
import io.sipwake.push.PushResult;
import io.sipwake.push.PushSender;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Hands each push to the sender of its provider ({@code pn-provider}); one sender's outage never touches another's. */
public final class PushDispatcher implements AutoCloseable {
    private final Map<String, PushSender> byProvider = new HashMap<>();
    private final Collection<PushSender> senders;

    public PushDispatcher(Collection<PushSender> senders) {
        this.senders = java.util.List.copyOf(senders);
        for (PushSender s : senders) {
            for (String p : s.providers()) byProvider.put(p.toLowerCase(Locale.ROOT), s);
        }
    }

    /** The pn-provider values sipwake can push to. */
    public Set<String> providers() {
        return Set.copyOf(byProvider.keySet());
    }

    public CompletableFuture<PushResult> send(PushRequest request) {
        PushSender sender = byProvider.get(request.provider().toLowerCase(Locale.ROOT));
        if (sender == null) {
            return CompletableFuture.completedFuture(new PushResult.Rejected(0, "no sender for provider " + request.provider(), false, true, null));
        }
        return sender.send(request).exceptionally(e -> new PushResult.Failed(e.toString(), e));
    }

    /** Sends a push and reports it, and its answer with the round trip, to {@code metrics}. */
    public CompletableFuture<PushResult> send(PushRequest request, io.sipwake.proxy.ProxyMetrics metrics) {
        String provider = request.provider();
        metrics.pushSent(provider, request.kind().name().toLowerCase(Locale.ROOT));
        long sent = System.nanoTime();
        return send(request).whenComplete((result, error) -> {
            String outcome = result instanceof PushResult.Accepted ? "accepted"
                    : result instanceof PushResult.Rejected r ? r.reason() : "failed";
            try {
                metrics.pushOutcome(provider, outcome, java.time.Duration.ofNanos(System.nanoTime() - sent));
            } catch (RuntimeException e) {
                // a metrics fault never changes the push's outcome
                org.slf4j.LoggerFactory.getLogger(PushDispatcher.class).warn("push metrics failed: {}", e.toString());
            }
        });
    }

    @Override
    public void close() {
        for (PushSender s : senders) s.close();
    }
}

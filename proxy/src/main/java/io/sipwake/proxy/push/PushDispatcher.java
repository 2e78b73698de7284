package io.sipwake.proxy.push;

import io.sipwake.push.PushRequest;
import io.sipwake.push.PushResult;
import io.sipwake.push.PushSender;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each push to the sender of its provider ({@code pn-provider}); one sender's outage never touches another's.
 *
 * <p>The senders can be {@linkplain #replace replaced} while pushes are being sent (new credentials without a
 * restart): the swap is atomic, every push goes wholly to the old or wholly to the new senders, and the old ones
 * are closed once the pushes they were sending have their answers. Lock-free on the sending path.
 */
public final class PushDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PushDispatcher.class);

    /** One set of senders, with the pushes it is sending now, closed once retired and drained. */
    private static final class Generation {
        final Map<String, PushSender> byProvider = new HashMap<>();
        final List<PushSender> senders;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicBoolean closed = new AtomicBoolean();
        volatile boolean retired;

        Generation(Collection<PushSender> senders) {
            this.senders = List.copyOf(senders);
            for (PushSender s : senders) {
                for (String p : s.providers()) byProvider.put(p.toLowerCase(Locale.ROOT), s);
            }
        }

        void finished() {
            if (inFlight.decrementAndGet() == 0 && retired) closeOnce();
        }

        void retire() {
            retired = true;
            if (inFlight.get() == 0) closeOnce();
        }

        void closeOnce() {
            if (!closed.compareAndSet(false, true)) return;
            for (PushSender s : senders) {
                try {
                    s.close();
                } catch (RuntimeException e) {
                    log.warn("closing a retired push sender failed: {}", e.toString());
                }
            }
        }
    }

    private final AtomicReference<Generation> current;

    public PushDispatcher(Collection<PushSender> senders) {
        this.current = new AtomicReference<>(new Generation(senders));
    }

    /** The pn-provider values sipwake can push to. */
    public Set<String> providers() {
        return Set.copyOf(current.get().byProvider.keySet());
    }

    public CompletableFuture<PushResult> send(PushRequest request) {
        Generation g;
        while (true) {
            g = current.get();
            g.inFlight.incrementAndGet();
            if (current.get() == g) break;
            g.finished(); // replaced meanwhile: this push goes to the new senders
        }
        PushSender sender = g.byProvider.get(request.provider().toLowerCase(Locale.ROOT));
        if (sender == null) {
            g.finished();
            return CompletableFuture.completedFuture(new PushResult.Rejected(0, "no sender for provider " + request.provider(), false, true, null));
        }
        Generation used = g;
        CompletableFuture<PushResult> result;
        try {
            result = sender.send(request).exceptionally(e -> new PushResult.Failed(e.toString(), e));
        } catch (RuntimeException e) {
            result = CompletableFuture.completedFuture(new PushResult.Failed(e.toString(), e));
        }
        return result.whenComplete((r, e) -> used.finished());
    }

    /**
     * Makes {@code senders} send every push from now on; the previous senders finish the pushes they are sending
     * and are then closed. {@code senders} must serve the same providers (what phones were told at registration).
     *
     * @throws IllegalArgumentException if the providers differ; nothing is replaced then
     */
    public void replace(Collection<PushSender> senders) {
        Generation next = new Generation(senders);
        Generation previous = current.get();
        if (!next.byProvider.keySet().equals(previous.byProvider.keySet())) {
            throw new IllegalArgumentException("the new senders serve " + new java.util.TreeSet<>(next.byProvider.keySet())
                    + ", the running ones " + new java.util.TreeSet<>(previous.byProvider.keySet()));
        }
        if (!current.compareAndSet(previous, next)) throw new IllegalStateException("replaced concurrently");
        previous.retire();
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
        current.get().retire();
        current.get().closeOnce();
    }
}

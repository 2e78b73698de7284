package io.sipwake.proxy.push;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The timelines of the most recent held requests, by Call-ID, so that "why didn't this phone
 * ring?" can be answered after the fact (received, push sent, provider's answer, REGISTER seen,
 * forwarded, outcome — each with its offset). Bounded: the oldest calls are forgotten first.
 * Thread-safe without locks.
 */
public final class PushTraces {
    /** One held request's story. */
    public record Trace(String callId, String method, String aor, String provider, List<String> timeline) {
        @Override
        public String toString() {
            return method + " " + callId + " for " + aor + " via " + provider + ": " + String.join(", ", timeline);
        }
    }

    private final int capacity;
    private final Map<String, List<Trace>> byCallId = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();

    public PushTraces(int capacity) {
        this.capacity = capacity;
    }

    void add(Trace trace) {
        byCallId.computeIfAbsent(trace.callId(), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(trace);
        order.add(trace.callId());
        while (size.incrementAndGet() > capacity) {
            String oldest = order.poll();
            if (oldest != null) byCallId.remove(oldest);
            size.decrementAndGet();
        }
    }

    /** The traces of one call (one per device pushed), oldest first; empty when unknown or forgotten. */
    public List<Trace> find(String callId) {
        return List.copyOf(byCallId.getOrDefault(callId, List.of()));
    }
}

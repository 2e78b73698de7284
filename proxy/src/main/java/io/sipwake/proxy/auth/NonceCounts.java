package io.sipwake.proxy.auth;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The highest accepted nonce count per nonce, so a captured {@code Authorization} header cannot be
 * replayed while its nonce is still fresh (RFC 7616, Security Considerations).
 *
 * <p>Lock-free on the hot path (a map lookup and a CAS). Memory is bounded: entries for expired
 * nonces are useless (an expired nonce is answered Stale anyway) and are pruned when the map reaches
 * {@code maxEntries}. If it is still full after that — only possible if authenticated clients churn
 * nonces faster than {@code maxEntries} per nonce lifetime — arbitrary entries are dropped, and for
 * those nonces the replay window falls back to the rest of the nonce lifetime.
 */
final class NonceCounts {

    private record Entry(long expiresAtMillis, AtomicLong highest) {}

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicBoolean pruning = new AtomicBoolean();
    private final int maxEntries;

    NonceCounts(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive");
        }
        this.maxEntries = maxEntries;
    }

    /**
     * Records {@code nc} for {@code nonce} if it is higher than every count accepted so far.
     *
     * @return false if {@code nc} was already used (or overtaken) for this nonce: a replay
     */
    boolean advance(String nonce, long nc, long expiresAtMillis, long nowMillis) {
        Entry entry = entries.get(nonce);
        if (entry == null) {
            if (entries.size() >= maxEntries) {
                prune(nowMillis);
            }
            entry = entries.computeIfAbsent(nonce, k -> new Entry(expiresAtMillis, new AtomicLong()));
        }
        AtomicLong highest = entry.highest();
        for (long current = highest.get(); nc > current; current = highest.get()) {
            if (highest.compareAndSet(current, nc)) {
                return true;
            }
        }
        return false;
    }

    int size() {
        return entries.size();
    }

    private void prune(long nowMillis) {
        if (!pruning.compareAndSet(false, true)) {
            return; // another thread is already pruning; a brief overshoot is harmless
        }
        try {
            entries.values().removeIf(e -> e.expiresAtMillis() <= nowMillis);
            // Still full of live nonces: shed a quarter rather than grow without bound.
            int excess = entries.size() - maxEntries * 3 / 4;
            for (Iterator<Entry> it = entries.values().iterator(); excess > 0 && it.hasNext(); excess--) {
                it.next();
                it.remove();
            }
        } finally {
            pruning.set(false);
        }
    }
}

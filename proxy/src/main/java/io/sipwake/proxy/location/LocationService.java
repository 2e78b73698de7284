package io.sipwake.proxy.location;

import io.sipwake.store.Binding;
import io.sipwake.store.BindingStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registrar's bindings (RFC 3261 §10): an in-memory map that answers every lookup on the call
 * path, written through to a {@link BindingStore} so bindings survive a restart.
 *
 * <p>Thread-safe without a global lock: each AOR is updated atomically on its own (a
 * {@link ConcurrentHashMap#compute}), and the store is written by a single thread in the order the
 * updates happened, so the database always converges to the memory state. An update's future
 * completes once its write is durable; the registrar answers the REGISTER only then. A store that
 * does no I/O ({@link BindingStore#isInMemory()}) is written inside the update itself, on the
 * caller's thread, and the future is complete on return: no thread hop on the REGISTER's path.
 *
 * <p>{@link Listener}s learn of each update once it is durable, whoever made it (the registrar, edge
 * mode, the hook, the admin API), so code can wait for "this AOR registered again" without polling.
 */
public final class LocationService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocationService.class);

    private final BindingStore store;
    private final boolean storeInMemory;
    private final Clock clock;
    private final ConcurrentHashMap<String, List<Binding>> bindingsByAor = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> flowUsers = new ConcurrentHashMap<>();
    private final ExecutorService writer;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /**
     * Told about each AOR whose bindings an {@link #update} changed, after the change is stored. Called on the
     * store's writer thread, in the order of the updates, before the update's future completes: it must be quick
     * and must not block (hand real work to another thread). With an in-memory store ({@link
     * BindingStore#isInMemory()}) it is called on the thread that made the update (an event loop, say), right
     * after it. Not called for expiry sweeps.
     */
    @FunctionalInterface
    public interface Listener {
        /** {@code bindings} are the AOR's bindings after the update (empty when it has none left). */
        void bindingsChanged(String aor, List<Binding> bindings);
    }

    public LocationService(BindingStore store, Clock clock) {
        this.store = store;
        this.storeInMemory = store.isInMemory();
        this.clock = clock;
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sipwake-binding-writer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Adds a listener for every later {@link #update}. */
    public void addListener(Listener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /** Loads the stored bindings (blocking; call once at start-up). Returns how many were loaded. */
    public int load() {
        long now = clock.millis();
        List<Binding> all = store.loadAll();
        // built in plain maps, then copied in at once: the concurrent maps are sized once instead of growing
        // step by step, and an AOR with one binding (the usual case) holds a one-element immutable list
        Map<String, List<Binding>> byAor = new HashMap<>(Math.max(16, all.size() * 4 / 3 + 1));
        Map<String, Integer> flows = new HashMap<>();
        int count = 0;
        for (Binding b : all) {
            if (b.isExpiredAt(now)) continue;
            byAor.merge(b.aor(), List.of(b), LocationService::concat);
            if (b.flow() != null) flows.merge(b.flow(), 1, Integer::sum);
            count++;
        }
        bindingsByAor.putAll(byAor);
        flows.forEach((flow, n) -> flowUsers.merge(flow, n, Integer::sum));
        return count;
    }

    private static List<Binding> concat(List<Binding> a, List<Binding> b) {
        List<Binding> both = new ArrayList<>(a.size() + b.size());
        both.addAll(a);
        both.addAll(b);
        return List.copyOf(both);
    }

    /** The AOR's bindings that have not expired; empty when none. */
    public List<Binding> lookup(String aor) {
        List<Binding> all = bindingsByAor.get(aor);
        if (all == null) return List.of();
        long now = clock.millis();
        List<Binding> live = new ArrayList<>(all.size());
        for (Binding b : all) {
            if (!b.isExpiredAt(now)) live.add(b);
        }
        return live;
    }

    /**
     * Atomically replaces the AOR's bindings by {@code change(current live bindings)} and writes the
     * result to the store. The future completes with the new bindings once they are stored.
     */
    public CompletableFuture<List<Binding>> update(String aor, UnaryOperator<List<Binding>> change) {
        java.util.concurrent.atomic.AtomicReference<List<Binding>> result = new java.util.concurrent.atomic.AtomicReference<>();
        long now = clock.millis();
        try {
            bindingsByAor.compute(aor, (k, current) -> {
                List<Binding> live = new ArrayList<>();
                if (current != null) {
                    for (Binding b : current) {
                        if (!b.isExpiredAt(now)) live.add(b);
                    }
                }
                List<Binding> next = List.copyOf(change.apply(List.copyOf(live)));
                if (storeInMemory) {
                    try {
                        store.putAll(aor, next); // in the same atomic step, so the store sees an AOR's updates in order
                    } catch (RuntimeException e) {
                        throw new StoreWriteFailed(e);
                    }
                }
                if (current != null) current.forEach(b -> countFlow(b.flow(), -1));
                next.forEach(b -> countFlow(b.flow(), +1));
                result.set(next);
                return next.isEmpty() ? null : next;
            });
        } catch (StoreWriteFailed e) {
            return CompletableFuture.failedFuture(e.getCause()); // nothing changed: the compute step was abandoned
        }
        List<Binding> next = result.get();
        if (storeInMemory) { // written in the compute step above
            notifyListeners(aor, next);
            return CompletableFuture.completedFuture(next);
        }
        return CompletableFuture.supplyAsync(() -> {
            store.putAll(aor, next);
            notifyListeners(aor, next);
            return next;
        }, writer);
    }

    private void notifyListeners(String aor, List<Binding> next) {
        for (Listener l : listeners) {
            try {
                l.bindingsChanged(aor, next);
            } catch (RuntimeException e) {
                log.warn("a binding listener failed for {}: {}", aor, e.toString()); // never fails the stored update
            }
        }
    }

    /** True while some binding was registered over {@code flowToken}: its connection must stay open (RFC 5626). */
    public boolean isFlowInUse(String flowToken) {
        return flowToken != null && flowUsers.containsKey(flowToken);
    }

    /** A read-only snapshot of every AOR's live bindings, sorted by AOR (for the admin API; not for the call path). */
    /**
     * Calls {@code action} for every binding that has not expired, without copying or sorting them (for periodic
     * scans over many bindings; {@link #allBindings} is the sorted snapshot for listings).
     */
    public void forEachBinding(java.util.function.Consumer<Binding> action) {
        long now = clock.millis();
        bindingsByAor.forEach((aor, all) -> {
            for (Binding b : all) {
                if (!b.isExpiredAt(now)) action.accept(b);
            }
        });
    }

    public java.util.SortedMap<String, List<Binding>> allBindings() {
        long now = clock.millis();
        java.util.SortedMap<String, List<Binding>> out = new java.util.TreeMap<>();
        bindingsByAor.forEach((aor, all) -> {
            List<Binding> live = new ArrayList<>(all.size());
            for (Binding b : all) {
                if (!b.isExpiredAt(now)) live.add(b);
            }
            if (!live.isEmpty()) out.put(aor, List.copyOf(live));
        });
        return java.util.Collections.unmodifiableSortedMap(out);
    }

    /** Number of AORs with at least one binding. */
    public int aorCount() {
        return bindingsByAor.size();
    }

    public int bindingCount() {
        int n = 0;
        for (List<Binding> l : bindingsByAor.values()) n += l.size();
        return n;
    }

    /** Removes expired bindings from memory and store; returns how many were removed from memory. */
    public int removeExpired() {
        long now = clock.millis();
        int[] removed = {0};
        for (Map.Entry<String, List<Binding>> e : bindingsByAor.entrySet()) {
            bindingsByAor.computeIfPresent(e.getKey(), (k, list) -> {
                List<Binding> keep = new ArrayList<>(list.size());
                for (Binding b : list) {
                    if (b.isExpiredAt(now)) {
                        countFlow(b.flow(), -1);
                        removed[0]++;
                    } else {
                        keep.add(b);
                    }
                }
                return keep.isEmpty() ? null : List.copyOf(keep);
            });
        }
        writer.execute(() -> {
            try {
                store.removeExpired(now);
            } catch (RuntimeException ex) {
                log.warn("could not remove expired bindings from the store: {}", ex.getMessage());
            }
        });
        return removed[0];
    }

    private void countFlow(String flow, int delta) {
        if (flow == null) return;
        flowUsers.merge(flow, delta, (a, b) -> a + b == 0 ? null : a + b);
    }

    /** Waits for pending writes, then stops the writer. The store itself is closed by its owner. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) log.warn("binding writes still pending at shutdown");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Carries an in-memory store's failure out of the compute step, apart from the change's own exceptions. */
    private static final class StoreWriteFailed extends RuntimeException {
        StoreWriteFailed(RuntimeException cause) {
            super(cause);
        }
    }
}

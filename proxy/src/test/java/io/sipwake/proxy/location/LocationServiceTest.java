package io.sipwake.proxy.location;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.store.Binding;
import io.sipwake.store.BindingStore;
import io.sipwake.store.InMemoryBindingStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-memory location service and its write-through store. */
class LocationServiceTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };

    private Binding binding(String key, long expiresAt) {
        return new Binding("sip:alice@example.com", key, "<" + key + ">", null, null, Binding.NO_Q, "c", 1, expiresAt, null,
                "udp:127.0.0.1:5000#0", null, null, now.get());
    }

    @Test
    void expiredBindingsDisappearFromLookupsAndAreRemovedFromTheStore_10_3() {
        InMemoryBindingStore store = new InMemoryBindingStore(clock);
        try (LocationService locations = new LocationService(store, clock)) {
            locations.update("sip:alice@example.com", current -> List.of(binding("sip:a@h1", now.get() + 1000), binding("sip:a@h2", now.get() + 5000))).join();
            now.addAndGet(2000);
            assertThat(locations.lookup("sip:alice@example.com")).extracting(Binding::bindingKey).containsExactly("sip:a@h2");
            assertThat(locations.removeExpired()).isEqualTo(1);
            locations.update("sip:alice@example.com", current -> current).join(); // waits for the writer
            assertThat(store.loadAll()).extracting(Binding::bindingKey).containsExactly("sip:a@h2");
        }
    }

    @Test
    void storedBindingsAreLoadedAtStartExceptExpiredOnes() {
        InMemoryBindingStore store = new InMemoryBindingStore(clock);
        store.put(binding("sip:a@h1", now.get() + 1000));
        store.put(binding("sip:a@h2", now.get() - 1));
        try (LocationService locations = new LocationService(store, clock)) {
            assertThat(locations.load()).isEqualTo(1);
            assertThat(locations.lookup("sip:alice@example.com")).hasSize(1);
            assertThat(locations.isFlowInUse("udp:127.0.0.1:5000#0")).isTrue();
        }
    }

    @Test
    void concurrentUpdatesOfOneAorLoseNothing() throws Exception {
        InMemoryBindingStore store = new InMemoryBindingStore(clock);
        try (LocationService locations = new LocationService(store, clock)) {
            Thread[] threads = new Thread[8];
            for (int t = 0; t < threads.length; t++) {
                int id = t;
                threads[t] = new Thread(() -> {
                    for (int i = 0; i < 50; i++) {
                        String key = "sip:a@h" + id + "-" + i;
                        locations.update("sip:alice@example.com", current -> {
                            List<Binding> next = new java.util.ArrayList<>(current);
                            next.add(binding(key, now.get() + 60_000));
                            return next;
                        });
                    }
                });
                threads[t].start();
            }
            for (Thread t : threads) t.join();
            assertThat(locations.update("sip:alice@example.com", c -> c).join()).hasSize(400);
            assertThat(store.loadAll()).hasSize(400);
        }
    }

    @Test
    void listenersLearnEachStoredUpdateInOrderAndAFailingOneChangesNothing() {
        InMemoryBindingStore memory = new InMemoryBindingStore(clock);
        List<String> seen = listenToTwoUpdates(new StoreWithIo(memory), memory);

        assertThat(seen).containsExactly("sip:alice@example.com 1 sipwake-binding-writer", "sip:alice@example.com 0 sipwake-binding-writer");
    }

    @Test
    void anInMemoryStoreIsWrittenAndListenersToldOnTheUpdatingThread() {
        InMemoryBindingStore memory = new InMemoryBindingStore(clock);
        String caller = Thread.currentThread().getName();

        List<String> seen = listenToTwoUpdates(memory, memory);

        assertThat(seen).containsExactly("sip:alice@example.com 1 " + caller, "sip:alice@example.com 0 " + caller);
    }

    /** Two updates of one AOR through a location service on {@code store}, with a broken listener and a recording one. */
    private List<String> listenToTwoUpdates(BindingStore store, InMemoryBindingStore contents) {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (LocationService locations = new LocationService(store, clock)) {
            locations.addListener((aor, bindings) -> {
                throw new IllegalStateException("a broken listener");
            });
            locations.addListener((aor, bindings) -> {
                // the change is durable by the time a listener hears of it
                assertThat(contents.loadAll()).hasSameSizeAs(bindings);
                seen.add(aor + " " + bindings.size() + " " + Thread.currentThread().getName());
            });
            List<Binding> stored = locations.update("sip:alice@example.com", current -> List.of(binding("sip:a@h1", now.get() + 1000))).join();
            assertThat(stored).hasSize(1);
            locations.update("sip:alice@example.com", current -> List.of()).join();
        }
        return seen;
    }

    /** An in-memory store that says it does I/O, so that the location service writes it on its writer thread. */
    private record StoreWithIo(InMemoryBindingStore delegate) implements BindingStore {
        @Override
        public List<Binding> loadAll() {
            return delegate.loadAll();
        }

        @Override
        public void put(Binding binding) {
            delegate.put(binding);
        }

        @Override
        public void putAll(String aor, List<Binding> replace) {
            delegate.putAll(aor, replace);
        }

        @Override
        public boolean remove(String aor, String bindingKey) {
            return delegate.remove(aor, bindingKey);
        }

        @Override
        public int removeAor(String aor) {
            return delegate.removeAor(aor);
        }

        @Override
        public int removeExpired(long nowMillis) {
            return delegate.removeExpired(nowMillis);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}

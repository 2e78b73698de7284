package io.sipwake.store;

import static io.sipwake.store.Bindings.NOW;
import static io.sipwake.store.Bindings.binding;
import static io.sipwake.store.Bindings.outboundBinding;
import static io.sipwake.store.Bindings.withCallId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@link BindingStore} contract; every implementation runs it through a subclass. */
abstract class BindingStoreContractTest {

  static final String ALICE = "sip:alice@example.com";
  static final String BOB = "sip:bob@example.com";

  final MutableClock clock = new MutableClock(NOW);
  BindingStore store;

  /** A fresh, empty store that reads time from {@code clock}. */
  abstract BindingStore newStore(MutableClock clock);

  @BeforeEach
  void openStore() {
    store = newStore(clock);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void newStoreIsEmpty() {
    assertThat(store.loadAll()).isEmpty();
  }

  @Test
  void everyFieldRoundTrips() {
    Binding full = outboundBinding(ALICE, "urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF", 1);
    Binding sparse = binding(ALICE, "sip:alice@192.0.2.2:5060");

    store.put(full);
    store.put(sparse);

    assertThat(store.loadAll()).containsExactlyInAnyOrder(full, sparse);
  }

  @Test
  void valuesAreStoredVerbatim() {
    String odd = "sip:o'brien@example.com;x=\"a'); DROP TABLE binding;--\"";
    Binding b = new Binding(odd, odd, "\"Zoë ☎\" <" + odd + ">", null, null, 0f, "c'id\nline2", 0,
        Long.MAX_VALUE, null, null, null, "UA 'quoted'", Long.MIN_VALUE);

    store.put(b);

    assertThat(store.loadAll()).containsExactly(b);
  }

  @Test
  void putReplacesBindingWithSameKey() {
    Binding first = binding(ALICE, "sip:alice@192.0.2.1");
    Binding refreshed = withCallId(first, "refreshed");

    store.put(first);
    store.put(refreshed);

    assertThat(store.loadAll()).containsExactly(refreshed);
  }

  @Test
  void sameKeyUnderDifferentAorsIsTwoBindings() {
    store.put(binding(ALICE, "sip:phone@192.0.2.1"));
    store.put(binding(BOB, "sip:phone@192.0.2.1"));

    assertThat(store.loadAll()).hasSize(2);
  }

  @Test
  void loadAllLeavesOutExpiredBindings() {
    Binding expiresNow = binding(ALICE, "sip:a@192.0.2.1", NOW);
    Binding expiresLater = binding(ALICE, "sip:b@192.0.2.1", NOW + 1);
    store.put(expiresNow);
    store.put(expiresLater);

    assertThat(store.loadAll()).containsExactly(expiresLater);

    clock.set(NOW + 1);
    assertThat(store.loadAll()).isEmpty();
  }

  @Test
  void expiredBindingsAreRemoved() {
    store.put(binding(ALICE, "sip:a@192.0.2.1", NOW - 1));
    store.put(binding(BOB, "sip:b@192.0.2.1", NOW));
    Binding live = binding(BOB, "sip:c@192.0.2.1", NOW + 1);
    store.put(live);

    assertThat(store.removeExpired(NOW)).isEqualTo(2);
    assertThat(store.removeExpired(NOW)).isZero();

    clock.set(0); // so loadAll would show anything that removeExpired left behind
    assertThat(store.loadAll()).containsExactly(live);
  }

  @Test
  void removeDeletesOneBindingAndSaysWhetherItExisted() {
    Binding a = binding(ALICE, "sip:a@192.0.2.1");
    Binding b = binding(ALICE, "sip:b@192.0.2.1");
    store.put(a);
    store.put(b);

    assertThat(store.remove(ALICE, a.bindingKey())).isTrue();
    assertThat(store.remove(ALICE, a.bindingKey())).isFalse();
    assertThat(store.remove(BOB, b.bindingKey())).isFalse();
    assertThat(store.loadAll()).containsExactly(b);
  }

  @Test
  void removeAorDeletesAllItsBindingsAndCountsThem() {
    store.put(binding(ALICE, "sip:a@192.0.2.1"));
    store.put(binding(ALICE, "sip:b@192.0.2.1"));
    Binding bobs = binding(BOB, "sip:b@192.0.2.1");
    store.put(bobs);

    assertThat(store.removeAor(ALICE)).isEqualTo(2);
    assertThat(store.removeAor(ALICE)).isZero();
    assertThat(store.loadAll()).containsExactly(bobs);
  }

  @Test
  void putAllReplacesAllBindingsOfTheAorAndNoOther() {
    store.put(binding(ALICE, "sip:old@192.0.2.1"));
    Binding kept = binding(ALICE, "sip:kept@192.0.2.1");
    store.put(kept);
    Binding bobs = binding(BOB, "sip:b@192.0.2.1");
    store.put(bobs);

    Binding keptRefreshed = withCallId(kept, "refreshed");
    Binding added = outboundBinding(ALICE, "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", 2);
    store.putAll(ALICE, List.of(keptRefreshed, added));

    assertThat(store.loadAll()).containsExactlyInAnyOrder(keptRefreshed, added, bobs);
  }

  @Test
  void putAllWithEmptyListDeletesTheAor() {
    store.put(binding(ALICE, "sip:a@192.0.2.1"));
    Binding bobs = binding(BOB, "sip:b@192.0.2.1");
    store.put(bobs);

    store.putAll(ALICE, List.of());

    assertThat(store.loadAll()).containsExactly(bobs);
  }

  @Test
  void putAllWithRepeatedKeyKeepsTheLast() {
    Binding first = binding(ALICE, "sip:a@192.0.2.1");
    Binding last = withCallId(first, "last");

    store.putAll(ALICE, List.of(first, last));

    assertThat(store.loadAll()).containsExactly(last);
  }

  @Test
  void putAllRefusesBindingsOfAnotherAorAndChangesNothing() {
    Binding existing = binding(ALICE, "sip:a@192.0.2.1");
    store.put(existing);

    assertThatThrownBy(() -> store.putAll(ALICE, List.of(binding(ALICE, "sip:b@192.0.2.1"),
        binding(BOB, "sip:b@192.0.2.1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(BOB);
    assertThat(store.loadAll()).containsExactly(existing);
  }

  @Test
  @Timeout(120)
  void concurrentWritersDoNotLoseBindings() throws Exception {
    int threads = 8;
    int aorsPerThread = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    List<Binding> expected = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<Binding> mine = new ArrayList<>();
      for (int i = 0; i < aorsPerThread; i++) {
        String aor = "sip:user" + t + "-" + i + "@example.com";
        mine.add(binding(aor, "sip:a@192.0.2.1"));
        mine.add(binding(aor, "sip:b@192.0.2.1"));
        // Every thread also writes into one shared AOR.
        mine.add(binding("sip:shared@example.com", "sip:t" + t + "-" + i + "@192.0.2.1"));
      }
      expected.addAll(mine);
      done.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < mine.size(); i += 3) {
          Binding a = mine.get(i);
          store.putAll(a.aor(), List.of(a, mine.get(i + 1)));
          store.put(mine.get(i + 2));
        }
        return null;
      }));
    }
    start.countDown();
    try {
      for (Future<?> f : done) {
        f.get(100, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(store.loadAll()).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  @Timeout(120)
  void readersNeverSeeHalfAPutAll() throws Exception {
    // Generations alternate between keys {a, b, c} and {c, d}; any mix of the two is a torn write.
    List<List<Binding>> generations = new ArrayList<>();
    for (int g = 0; g < 300; g++) {
      String callId = "gen-" + g;
      List<String> keys = g % 2 == 0 ? List.of("sip:a@h", "sip:b@h", "sip:c@h") : List.of("sip:c@h", "sip:d@h");
      generations.add(keys.stream().map(k -> withCallId(binding(ALICE, k), callId)).collect(Collectors.toList()));
    }
    Set<Set<Binding>> whole = generations.stream().map(Set::copyOf).collect(Collectors.toSet());
    store.putAll(ALICE, generations.get(0));
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Future<?> writer = pool.submit(() -> {
      try {
        for (List<Binding> generation : generations) {
          store.putAll(ALICE, generation);
        }
      } finally {
        writing.set(false);
      }
    });
    try {
      int reads = 0;
      while (writing.get() || reads == 0) {
        List<Binding> seen = store.loadAll();
        assertThat(whole).as("read %d", reads).contains(Set.copyOf(seen));
        reads++;
      }
      writer.get(100, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.loadAll()).containsExactlyInAnyOrderElementsOf(generations.get(generations.size() - 1));
  }

  @Test
  void callsAfterCloseAreRefused() {
    store.close();

    assertThatThrownBy(() -> store.loadAll()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store.put(binding(ALICE, "sip:a@192.0.2.1"))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store.removeExpired(NOW)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closeIsIdempotent() {
    store.close();
    store.close();
  }

  @Test
  void nullArgumentsAreRefused() {
    assertThatThrownBy(() -> store.put(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> store.putAll(null, List.of())).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> store.putAll(ALICE, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> store.remove(ALICE, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> store.removeAor(null)).isInstanceOf(NullPointerException.class);
  }
}

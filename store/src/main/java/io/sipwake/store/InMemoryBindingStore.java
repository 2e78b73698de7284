package io.sipwake.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link BindingStore} that keeps bindings in memory only; nothing survives {@link #close()} or a restart. For tests
 * and for {@code store: memory}.
 *
 * <p>Thread-safe: every method holds one lock for its whole duration, which makes each call atomic. Never blocks on
 * I/O.
 */
public final class InMemoryBindingStore implements BindingStore {

  private final Clock clock;
  private final Object lock = new Object();
  // Guarded by lock. aor -> (bindingKey -> binding).
  private final Map<String, Map<String, Binding>> byAor = new HashMap<>();
  private boolean closed;

  /** A store that uses the system clock to decide what {@link #loadAll()} leaves out as expired. */
  public InMemoryBindingStore() {
    this(Clock.systemUTC());
  }

  /** A store that uses {@code clock} to decide what {@link #loadAll()} leaves out as expired. */
  public InMemoryBindingStore(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public List<Binding> loadAll() {
    long now = clock.millis();
    synchronized (lock) {
      checkOpen();
      List<Binding> all = new ArrayList<>();
      for (Map<String, Binding> bindings : byAor.values()) {
        for (Binding b : bindings.values()) {
          if (!b.isExpiredAt(now)) {
            all.add(b);
          }
        }
      }
      return all;
    }
  }

  @Override
  public void put(Binding binding) {
    Objects.requireNonNull(binding, "binding");
    synchronized (lock) {
      checkOpen();
      byAor.computeIfAbsent(binding.aor(), aor -> new LinkedHashMap<>()).put(binding.bindingKey(), binding);
    }
  }

  @Override
  public void putAll(String aor, List<Binding> replace) {
    Map<String, Binding> fresh = new LinkedHashMap<>();
    for (Binding b : BindingStores.checkedForAor(aor, replace)) {
      fresh.put(b.bindingKey(), b);
    }
    synchronized (lock) {
      checkOpen();
      if (fresh.isEmpty()) {
        byAor.remove(aor);
      } else {
        byAor.put(aor, fresh);
      }
    }
  }

  @Override
  public boolean remove(String aor, String bindingKey) {
    Objects.requireNonNull(aor, "aor");
    Objects.requireNonNull(bindingKey, "bindingKey");
    synchronized (lock) {
      checkOpen();
      Map<String, Binding> bindings = byAor.get(aor);
      if (bindings == null || bindings.remove(bindingKey) == null) {
        return false;
      }
      if (bindings.isEmpty()) {
        byAor.remove(aor);
      }
      return true;
    }
  }

  @Override
  public int removeAor(String aor) {
    Objects.requireNonNull(aor, "aor");
    synchronized (lock) {
      checkOpen();
      Map<String, Binding> removed = byAor.remove(aor);
      return removed == null ? 0 : removed.size();
    }
  }

  @Override
  public int removeExpired(long nowMillis) {
    synchronized (lock) {
      checkOpen();
      int removed = 0;
      for (var it = byAor.values().iterator(); it.hasNext(); ) {
        Map<String, Binding> bindings = it.next();
        int before = bindings.size();
        bindings.values().removeIf(b -> b.isExpiredAt(nowMillis));
        removed += before - bindings.size();
        if (bindings.isEmpty()) {
          it.remove();
        }
      }
      return removed;
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      byAor.clear();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("binding store is closed");
    }
  }
}

package io.sipwake.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link BindingStore} that keeps bindings in memory only; nothing survives {@link #close()} or a restart. For tests
 * and for {@code store: memory}.
 *
 * <p>Thread-safe without a global lock: each AOR's bindings are an immutable map replaced atomically in a
 * {@link ConcurrentHashMap}, so every call on one AOR is atomic and calls on different AORs do not wait for each
 * other. Never blocks on I/O ({@link #isInMemory()}), so the location service writes to it on the event loop.
 */
public final class InMemoryBindingStore implements BindingStore {

  private final Clock clock;
  // aor -> (bindingKey -> binding), the inner maps unmodifiable and never changed once published
  private final ConcurrentHashMap<String, Map<String, Binding>> byAor = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public InMemoryBindingStore() {
    this(Clock.systemUTC());
  }

  public InMemoryBindingStore(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public boolean isInMemory() {
    return true;
  }

  @Override
  public List<Binding> loadAll() {
    checkOpen();
    long now = clock.millis();
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

  @Override
  public void put(Binding binding) {
    Objects.requireNonNull(binding, "binding");
    checkOpen();
    byAor.compute(binding.aor(), (aor, current) -> {
      Map<String, Binding> next = current == null ? new LinkedHashMap<>() : new LinkedHashMap<>(current);
      next.put(binding.bindingKey(), binding);
      return Collections.unmodifiableMap(next);
    });
  }

  @Override
  public void putAll(String aor, List<Binding> replace) {
    Map<String, Binding> fresh = new LinkedHashMap<>();
    for (Binding b : BindingStores.checkedForAor(aor, replace)) {
      fresh.put(b.bindingKey(), b);
    }
    checkOpen();
    if (fresh.isEmpty()) {
      byAor.remove(aor);
    } else {
      byAor.put(aor, Collections.unmodifiableMap(fresh));
    }
  }

  @Override
  public boolean remove(String aor, String bindingKey) {
    Objects.requireNonNull(aor, "aor");
    Objects.requireNonNull(bindingKey, "bindingKey");
    checkOpen();
    boolean[] removed = {false};
    byAor.computeIfPresent(aor, (k, current) -> {
      if (!current.containsKey(bindingKey)) return current;
      removed[0] = true;
      Map<String, Binding> next = new LinkedHashMap<>(current);
      next.remove(bindingKey);
      return next.isEmpty() ? null : Collections.unmodifiableMap(next);
    });
    return removed[0];
  }

  @Override
  public int removeAor(String aor) {
    Objects.requireNonNull(aor, "aor");
    checkOpen();
    Map<String, Binding> removed = byAor.remove(aor);
    return removed == null ? 0 : removed.size();
  }

  @Override
  public int removeExpired(long nowMillis) {
    checkOpen();
    int[] removed = {0};
    for (String aor : byAor.keySet()) {
      byAor.computeIfPresent(aor, (k, current) -> {
        Map<String, Binding> next = new LinkedHashMap<>(current);
        next.values().removeIf(b -> b.isExpiredAt(nowMillis));
        if (next.size() == current.size()) return current;
        removed[0] += current.size() - next.size();
        return next.isEmpty() ? null : Collections.unmodifiableMap(next);
      });
    }
    return removed[0];
  }

  @Override
  public void close() {
    closed = true;
    byAor.clear();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("binding store is closed");
    }
  }
}

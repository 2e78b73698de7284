package io.sipwake.store;

import java.util.List;

/**
 * Durable copy of the registrar's bindings.
 *
 * <p>The in-memory location service is the source of truth at runtime: it calls {@link #loadAll()} once at start
 * and then writes every change through. Implementations are therefore simple rather than clever:
 *
 * <ul>
 *   <li><b>Blocking.</b> Every method does its I/O before returning. Never call one from an event loop; use a
 *       dedicated executor, unless {@link #isInMemory()} says the store does no I/O.
 *   <li><b>Thread-safe.</b> Methods may be called from any number of threads. Each method is atomic: a reader never
 *       sees half of a {@link #putAll} or of any other call.
 *   <li><b>Failures.</b> A storage failure throws {@link StoreException}; the store stays usable and the failed call
 *       had no effect. Invalid arguments throw {@link IllegalArgumentException} or {@link NullPointerException}.
 *   <li><b>Lifecycle.</b> Long-lived; {@link #close()} it once when done. Close is idempotent; any other call after
 *       it throws {@link IllegalStateException}.
 * </ul>
 *
 * <p>Bindings are keyed by {@code (aor, bindingKey)}.
 */
public interface BindingStore extends AutoCloseable {

  /** Returns all bindings that have not expired at the time of the call, in no particular order. */
  List<Binding> loadAll();

  /** Inserts the binding, or replaces the one with the same {@code (aor, bindingKey)}. */
  void put(Binding binding);

  /**
   * Atomically replaces all bindings of {@code aor} with {@code replace}; an empty list deletes the AOR. If the list
   * holds several bindings with the same key, the last one wins.
   *
   * @throws IllegalArgumentException if a binding in {@code replace} belongs to another AOR
   */
  void putAll(String aor, List<Binding> replace);

  /** Removes one binding; returns whether it existed. */
  boolean remove(String aor, String bindingKey);

  /** Removes all bindings of an AOR; returns how many there were. */
  int removeAor(String aor);

  /** Removes the bindings with {@code expiresAtMillis <= nowMillis}; returns how many. */
  int removeExpired(long nowMillis);

  /**
   * True when every method returns at once, without I/O or a lock shared by all callers, so that it may be called on
   * an event loop (and a write is "stored" as soon as the call returns). False by default.
   */
  default boolean isInMemory() {
    return false;
  }

  /** Releases the store's resources. Idempotent. */
  @Override
  void close();
}

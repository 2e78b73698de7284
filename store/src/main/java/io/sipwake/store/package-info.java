/**
 * Durable registrar state: {@link io.sipwake.store.BindingStore} with a SQLite implementation
 * ({@link io.sipwake.store.SqliteBindingStore}) and an in-memory one for tests
 * ({@link io.sipwake.store.InMemoryBindingStore}).
 */
package io.sipwake.store;

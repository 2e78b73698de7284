package io.sipwake.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.sipwake.store.internal.QuietFlywayLogCreator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A {@link BindingStore} in a SQLite database file.
 *
 * <p>{@link #open(Path)} creates the file and its parent directories if needed and brings the schema up to date with
 * the Flyway migrations in {@code classpath:db/migration/sqlite}. A database written by a newer sipwake (with
 * migrations this version does not know) still opens.
 *
 * <p>Thread-safe and blocking. SQLite allows one writer at a time, so the store holds a single connection and calls
 * queue for it; each call is one transaction. The journal is WAL with {@code synchronous=NORMAL}: a crash of the
 * process loses nothing that was committed, a power loss may lose the last few commits but never corrupts the file.
 * Failures throw {@link StoreException} naming the operation and the file.
 *
 * <p>On JDK 24 and later, run with {@code --enable-native-access=ALL-UNNAMED}: the SQLite driver loads a native
 * library, which otherwise prints a warning (and will be refused by future JDKs).
 */
public final class SqliteBindingStore implements BindingStore {

  private static final Logger log = LoggerFactory.getLogger(SqliteBindingStore.class);

  static final String MIGRATIONS = "classpath:db/migration/sqlite";

  // Only matters if another process holds the file; within this process the pool of one serialises access.
  private static final int BUSY_TIMEOUT_MILLIS = 5_000;

  // read() takes the columns by position: keep its indexes in step with this list
  private static final String COLUMNS = "aor, binding_key, contact, instance_id, reg_id, q, call_id, cseq,"
      + " expires_at, path, flow, source, user_agent, updated_at";

  // An upsert rather than INSERT OR REPLACE: REPLACE deletes the old row, which would cascade to rows that
  // reference it (push parameters, in a later migration).
  private static final String UPSERT = "INSERT INTO binding (" + COLUMNS + ")"
      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      + " ON CONFLICT (aor, binding_key) DO UPDATE SET"
      + " contact = excluded.contact, instance_id = excluded.instance_id, reg_id = excluded.reg_id,"
      + " q = excluded.q, call_id = excluded.call_id, cseq = excluded.cseq, expires_at = excluded.expires_at,"
      + " path = excluded.path, flow = excluded.flow, source = excluded.source,"
      + " user_agent = excluded.user_agent, updated_at = excluded.updated_at";

  private final Path file;
  private final Clock clock;
  private final HikariDataSource pool;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SqliteBindingStore(Path file, Clock clock, HikariDataSource pool) {
    this.file = file;
    this.clock = clock;
    this.pool = pool;
  }

  /**
   * Opens (creating if needed) the database at {@code databaseFile} and migrates its schema.
   *
   * @throws StoreException if the file cannot be created or opened, is not a SQLite database, or cannot be migrated
   */
  public static SqliteBindingStore open(Path databaseFile) {
    return open(databaseFile, Clock.systemUTC());
  }

  /**
   * Like {@link #open(Path)}, with the clock that decides what {@link #loadAll()} leaves out as expired.
   */
  public static SqliteBindingStore open(Path databaseFile, Clock clock) {
    Objects.requireNonNull(databaseFile, "databaseFile");
    Objects.requireNonNull(clock, "clock");
    Path file = databaseFile.toAbsolutePath().normalize();
    // The driver would read what follows '?' in the JDBC URL as connection parameters.
    if (file.toString().indexOf('?') >= 0) {
      throw new StoreException("Cannot open binding store " + file + ": the path must not contain '?'");
    }
    createParentDirectories(file);
    checkAccess(file);
    SQLiteDataSource sqlite = sqliteDataSource(file);
    probe(sqlite, file);
    MigrateResult migration = migrate(sqlite, file);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(poolConfig(sqlite));
    } catch (RuntimeException e) {
      throw new StoreException("Cannot open binding store " + file + ": " + reason(e), e);
    }
    log.info("Opened binding store {} (schema version {}, {} migration(s) applied now)", file,
        migration.targetSchemaVersion != null ? migration.targetSchemaVersion : migration.initialSchemaVersion,
        migration.migrationsExecuted);
    return new SqliteBindingStore(file, clock, pool);
  }

  /** The absolute path of the database file. */
  public Path file() {
    return file;
  }

  @Override
  public List<Binding> loadAll() {
    long now = clock.millis();
    return withConnection("loadAll", c -> {
      try (PreparedStatement select = c.prepareStatement(
          "SELECT " + COLUMNS + " FROM binding WHERE expires_at > ?")) {
        select.setLong(1, now);
        try (ResultSet rs = select.executeQuery()) {
          List<Binding> all = new ArrayList<>();
          // phones of one kind send the same User-Agent: one String for all of them instead of one per row
          Map<String, String> userAgents = new HashMap<>();
          while (rs.next()) {
            all.add(read(rs, userAgents));
          }
          return all;
        }
      }
    });
  }

  @Override
  public void put(Binding binding) {
    Objects.requireNonNull(binding, "binding");
    withConnection("put", c -> {
      try (PreparedStatement upsert = c.prepareStatement(UPSERT)) {
        bind(upsert, binding);
        upsert.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public void putAll(String aor, List<Binding> replace) {
    List<Binding> bindings = List.copyOf(BindingStores.checkedForAor(aor, replace));
    inTransaction("putAll", c -> {
      Set<String> stale = new HashSet<>();
      try (PreparedStatement select = c.prepareStatement("SELECT binding_key FROM binding WHERE aor = ?")) {
        select.setString(1, aor);
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            stale.add(rs.getString(1));
          }
        }
      }
      // Upsert what stays and delete only what goes, so kept rows are updated in place (see UPSERT).
      try (PreparedStatement upsert = c.prepareStatement(UPSERT)) {
        for (Binding b : bindings) {
          stale.remove(b.bindingKey());
          bind(upsert, b);
          upsert.addBatch();
        }
        upsert.executeBatch();
      }
      try (PreparedStatement delete = c.prepareStatement("DELETE FROM binding WHERE aor = ? AND binding_key = ?")) {
        for (String key : stale) {
          delete.setString(1, aor);
          delete.setString(2, key);
          delete.addBatch();
        }
        delete.executeBatch();
      }
      return null;
    });
  }

  @Override
  public boolean remove(String aor, String bindingKey) {
    Objects.requireNonNull(aor, "aor");
    Objects.requireNonNull(bindingKey, "bindingKey");
    return withConnection("remove", c -> {
      try (PreparedStatement delete = c.prepareStatement("DELETE FROM binding WHERE aor = ? AND binding_key = ?")) {
        delete.setString(1, aor);
        delete.setString(2, bindingKey);
        return delete.executeUpdate() > 0;
      }
    });
  }

  @Override
  public int removeAor(String aor) {
    Objects.requireNonNull(aor, "aor");
    return withConnection("removeAor", c -> {
      try (PreparedStatement delete = c.prepareStatement("DELETE FROM binding WHERE aor = ?")) {
        delete.setString(1, aor);
        return delete.executeUpdate();
      }
    });
  }

  @Override
  public int removeExpired(long nowMillis) {
    return withConnection("removeExpired", c -> {
      try (PreparedStatement delete = c.prepareStatement("DELETE FROM binding WHERE expires_at <= ?")) {
        delete.setLong(1, nowMillis);
        return delete.executeUpdate();
      }
    });
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      pool.close();
      log.info("Closed binding store {}", file);
    }
  }

  @Override
  public String toString() {
    return "SqliteBindingStore[" + file + "]";
  }

  private static void createParentDirectories(Path file) {
    Path parent = file.getParent();
    if (parent == null) {
      return;
    }
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new StoreException("Cannot open binding store " + file + ": cannot create directory " + parent + ": " + e,
          e);
    }
  }

  /**
   * Names the usual permission problems up front; SQLite would report each of them only as "unable to open database
   * file". The driver still has the last word.
   */
  private static void checkAccess(Path file) {
    String problem = null;
    Path dir = file.getParent();
    if (Files.isDirectory(file)) {
      problem = "it is a directory";
    } else if (Files.exists(file) && !Files.isReadable(file)) {
      problem = "no permission to read it";
    } else if (Files.exists(file) && !Files.isWritable(file)) {
      problem = "no permission to write it";
    } else if (dir != null && !Files.isWritable(dir)) {
      problem = "no permission to write in " + dir + " (SQLite creates the database and its -wal and -shm files there)";
    }
    if (problem != null) {
      throw new StoreException("Cannot open binding store " + file + ": " + problem);
    }
  }

  private static SQLiteDataSource sqliteDataSource(Path file) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    config.enforceForeignKeys(true);
    // Take the write lock when the transaction starts, not on its first write: a deferred transaction that later
    // needs to write can fail with SQLITE_BUSY instead of waiting.
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    SQLiteDataSource dataSource = new SQLiteDataSource(config);
    dataSource.setUrl("jdbc:sqlite:" + file);
    return dataSource;
  }

  /** Connects once and reads the header, so an unusable file is reported before Flyway wraps the error. */
  private static void probe(SQLiteDataSource sqlite, Path file) {
    try (Connection c = sqlite.getConnection(); Statement s = c.createStatement()) {
      s.executeQuery("PRAGMA schema_version").close();
    } catch (SQLException e) {
      throw new StoreException("Cannot open binding store " + file + ": " + e.getMessage(), e);
    }
  }

  private static MigrateResult migrate(SQLiteDataSource sqlite, Path file) {
    try {
      return Flyway.configure(SqliteBindingStore.class.getClassLoader())
          .dataSource(sqlite)
          .locations(MIGRATIONS)
          // A jar packaged without the migrations must fail here, not run with an empty schema.
          .failOnMissingLocations(true)
          // open() logs one INFO line saying what happened; Flyway's own narration goes to DEBUG.
          .loggers(QuietFlywayLogCreator.class.getName())
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new StoreException("Cannot migrate binding store " + file + ": " + reason(e), e);
    }
  }

  private static HikariConfig poolConfig(SQLiteDataSource sqlite) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(sqlite);
    config.setPoolName("sipwake-store");
    // SQLite allows one writer; a single connection serialises our calls instead of making them fail with BUSY.
    config.setMaximumPoolSize(1);
    config.setMinimumIdle(1);
    return config;
  }

  /** The most specific explanation in the cause chain: the driver's message if there is one. */
  private static String reason(Throwable e) {
    String reason = e.getMessage();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException && t.getMessage() != null) {
        reason = t.getMessage();
      }
    }
    return reason;
  }

  private static void bind(PreparedStatement ps, Binding b) throws SQLException {
    ps.setString(1, b.aor());
    ps.setString(2, b.bindingKey());
    ps.setString(3, b.contact());
    ps.setString(4, b.instanceId());
    if (b.regId() == null) {
      ps.setNull(5, Types.INTEGER);
    } else {
      ps.setInt(5, b.regId());
    }
    ps.setFloat(6, b.q());
    ps.setString(7, b.callId());
    ps.setLong(8, b.cseq());
    ps.setLong(9, b.expiresAtMillis());
    ps.setString(10, b.path());
    ps.setString(11, b.flow());
    ps.setString(12, b.source());
    ps.setString(13, b.userAgent());
    ps.setLong(14, b.updatedAtMillis());
  }

  /** One row of {@code SELECT COLUMNS}, read by column index (a name lookup per column and row costs at start-up). */
  private static Binding read(ResultSet rs, Map<String, String> userAgents) throws SQLException {
    int regId = rs.getInt(5);
    Integer nullableRegId = rs.wasNull() ? null : regId;
    String userAgent = rs.getString(13);
    if (userAgent != null) {
      String known = userAgents.putIfAbsent(userAgent, userAgent);
      if (known != null) {
        userAgent = known;
      }
    }
    return new Binding(
        rs.getString(1), // aor
        rs.getString(2), // binding_key
        rs.getString(3), // contact
        rs.getString(4), // instance_id
        nullableRegId,
        rs.getFloat(6), // q
        rs.getString(7), // call_id
        rs.getLong(8), // cseq
        rs.getLong(9), // expires_at
        rs.getString(10), // path
        rs.getString(11), // flow
        rs.getString(12), // source
        userAgent,
        rs.getLong(14)); // updated_at
  }

  @FunctionalInterface
  private interface SqlWork<T> {
    T apply(Connection connection) throws SQLException;
  }

  private <T> T withConnection(String operation, SqlWork<T> work) {
    if (closed.get()) {
      throw new IllegalStateException("binding store " + file + " is closed");
    }
    try (Connection c = pool.getConnection()) {
      return work.apply(c);
    } catch (SQLException e) {
      throw new StoreException(operation + " failed on binding store " + file + ": " + e.getMessage(), e);
    }
  }

  private <T> T inTransaction(String operation, SqlWork<T> work) {
    return withConnection(operation, c -> {
      // Hikari restores auto-commit (and rolls back anything left open) when the connection goes back to the pool.
      c.setAutoCommit(false);
      try {
        T result = work.apply(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        throw e;
      }
    });
  }
}

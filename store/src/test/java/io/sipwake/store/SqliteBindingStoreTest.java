package io.sipwake.store;

import static io.sipwake.store.Bindings.binding;
import static io.sipwake.store.Bindings.outboundBinding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteBindingStoreTest extends BindingStoreContractTest {

  @TempDir
  Path dir;

  @Override
  BindingStore newStore(MutableClock clock) {
    return SqliteBindingStore.open(dir.resolve("contract.db"), clock);
  }

  @Test
  void bindingsSurviveReopeningTheDatabase() {
    Path file = dir.resolve("bindings.db");
    Binding a = outboundBinding(ALICE, "urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF", 1);
    Binding b = binding(BOB, "sip:bob@192.0.2.9");
    try (BindingStore first = SqliteBindingStore.open(file, clock)) {
      first.put(a);
      first.put(b);
    }

    try (BindingStore second = SqliteBindingStore.open(file, clock)) {
      assertThat(second.loadAll()).containsExactlyInAnyOrder(a, b);
    }
  }

  @Test
  void schemaIsMigratedOnceAndTheJournalIsWal() throws SQLException {
    Path file = dir.resolve("bindings.db");
    SqliteBindingStore.open(file, clock).close();
    SqliteBindingStore.open(file, clock).close();

    try (Connection c = connect(file); Statement s = c.createStatement()) {
      assertThat(single(s, "SELECT count(*) FROM flyway_schema_history WHERE success = 1 AND version IS NOT NULL"))
          .isEqualTo("1");
      assertThat(single(s, "PRAGMA journal_mode")).isEqualTo("wal");
    }
  }

  @Test
  void failedPutAllChangesNothingAndTheStoreStaysUsable() throws SQLException {
    Path file = dir.resolve("bindings.db");
    try (BindingStore store = SqliteBindingStore.open(file, clock)) {
      Binding before = binding(ALICE, "sip:before@192.0.2.1");
      store.put(before);
      try (Connection c = connect(file); Statement s = c.createStatement()) {
        s.execute("CREATE TRIGGER boom BEFORE INSERT ON binding WHEN NEW.binding_key = 'sip:boom@192.0.2.1'"
            + " BEGIN SELECT RAISE(ABORT, 'boom'); END");
      }

      assertThatThrownBy(() -> store.putAll(ALICE, List.of(binding(ALICE, "sip:fine@192.0.2.1"),
          binding(ALICE, "sip:boom@192.0.2.1"))))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("putAll")
          .hasMessageContaining(file.toString())
          .hasMessageContaining("boom");

      assertThat(store.loadAll()).containsExactly(before);
      Binding after = binding(BOB, "sip:after@192.0.2.1");
      store.put(after);
      assertThat(store.loadAll()).containsExactlyInAnyOrder(before, after);
    }
  }

  @Test
  void openCreatesMissingParentDirectories() {
    Path file = dir.resolve("var/lib/sipwake/bindings.db");

    try (SqliteBindingStore store = SqliteBindingStore.open(file, clock)) {
      assertThat(store.file()).isEqualTo(file.toAbsolutePath());
    }
    assertThat(file).isRegularFile();
  }

  @Test
  void corruptDatabaseFileIsReportedWithItsPath() throws Exception {
    Path file = dir.resolve("corrupt.db");
    byte[] garbage = "this is not a SQLite database, just some text that is long enough to have a header"
        .repeat(100).getBytes(StandardCharsets.US_ASCII);
    Files.write(file, garbage);

    assertThatThrownBy(() -> SqliteBindingStore.open(file, clock))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not a database");
    assertThat(file).as("left untouched").hasBinaryContent(garbage);
  }

  @Test
  void directoryInPlaceOfTheDatabaseFileIsReportedWithItsPath() throws Exception {
    Path file = Files.createDirectory(dir.resolve("bindings.db"));

    assertThatThrownBy(() -> SqliteBindingStore.open(file, clock))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("directory");
  }

  @Test
  void parentDirectoryThatCannotBeCreatedIsReportedWithItsPath() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
    Path file = notADirectory.resolve("bindings.db");

    assertThatThrownBy(() -> SqliteBindingStore.open(file, clock))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("cannot create directory");
  }

  @Test
  void unreadableDatabaseFileIsReportedWithItsPath() throws Exception {
    Path file = dir.resolve("locked.db");
    SqliteBindingStore.open(file, clock).close();
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
    assumeThat(Files.isReadable(file)).as("not running as root").isFalse();

    assertThatThrownBy(() -> SqliteBindingStore.open(file, clock))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void pathWithQuestionMarkIsRefusedBecauseTheDriverWouldReadItAsParameters() {
    Path file = dir.resolve("bindings.db?journal_mode=delete");

    assertThatThrownBy(() -> SqliteBindingStore.open(file, clock))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void unrelatedSqliteDatabaseIsRefusedAndLeftAlone() throws Exception {
    Path file = dir.resolve("other.db");
    try (Connection c = connect(file); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY)");
    }

    assertThatThrownBy(() -> SqliteBindingStore.open(file, clock))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("migrate");
    try (Connection c = connect(file); Statement s = c.createStatement()) {
      assertThat(single(s, "SELECT count(*) FROM sqlite_master WHERE name = 'binding'")).isEqualTo("0");
    }
  }

  @Test
  void databaseWrittenByANewerVersionStillOpens() throws Exception {
    Path file = dir.resolve("bindings.db");
    Binding b = binding(ALICE, "sip:alice@192.0.2.1");
    try (BindingStore store = SqliteBindingStore.open(file, clock)) {
      store.put(b);
    }
    try (Connection c = connect(file); Statement s = c.createStatement()) {
      // As if a later sipwake had applied V999 and then been rolled back to this version.
      s.execute("ALTER TABLE binding ADD COLUMN future TEXT");
      s.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
          + " installed_by, execution_time, success) VALUES (999, '999', 'future', 'SQL', 'V999__future.sql', 0,"
          + " 'test', 0, 1)");
    }

    try (BindingStore store = SqliteBindingStore.open(file, clock)) {
      assertThat(store.loadAll()).containsExactly(b);
      store.put(binding(BOB, "sip:bob@192.0.2.2"));
      assertThat(store.loadAll()).hasSize(2);
    }
  }

  private static Connection connect(Path file) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file);
  }

  private static String single(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }
}

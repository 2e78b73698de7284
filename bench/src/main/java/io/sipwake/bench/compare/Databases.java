package io.sipwake.bench.compare;

import io.sipwake.store.SqliteBindingStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.IntFunction;

/**
 * Binding databases written directly, so that start-up and memory can be measured with many bindings without
 * registering them one by one: sipwake's (its own schema, created by {@link SqliteBindingStore}'s migrations) and
 * Kamailio's usrloc {@code location} table (Debian's db_sqlite schema).
 */
final class Databases {
    private static final Path KAMAILIO_SCHEMA = Path.of("/usr/share/kamailio/db_sqlite");

    private Databases() {
    }

    /** A sipwake data directory whose {@code sipwake.db} holds {@code n} bindings; {@code contact.apply(i)} is the i-th Contact URI. */
    static Path sipwake(Harness h, String name, int n, IntFunction<String> contact) {
        Path dataDir = h.workDir(name).resolve("data");
        Path file = dataDir.resolve("sipwake.db");
        SqliteBindingStore.open(file).close(); // creates the file and its schema with the store's own migrations
        long now = System.currentTimeMillis();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("INSERT INTO binding (aor, binding_key, contact, instance_id, reg_id, q,"
                    + " call_id, cseq, expires_at, path, flow, source, user_agent, updated_at)"
                    + " VALUES (?, ?, ?, NULL, NULL, -1, ?, 1, ?, NULL, NULL, ?, 'sipwake-bench', ?)")) {
                for (int i = 0; i < n; i++) {
                    String uri = contact.apply(i);
                    s.setString(1, "sip:u" + i + "@" + SideBySide.DOMAIN);
                    s.setString(2, "sip:u" + i + "@127.0.0.1:" + (10_000 + i % 50_000));
                    s.setString(3, "<" + uri + ">");
                    s.setString(4, "bench-" + i + "@127.0.0.1");
                    s.setLong(5, now + 86_400_000L);
                    s.setString(6, "udp:127.0.0.1:" + (10_000 + i % 50_000));
                    s.setLong(7, now);
                    s.addBatch();
                    if (i % 10_000 == 9_999) s.executeBatch();
                }
                s.executeBatch();
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return dataDir;
    }

    /** The Contact of a plain phone (no push parameters). */
    static String plainContact(int i) {
        return "sip:u" + i + "@127.0.0.1:" + (10_000 + i % 50_000);
    }

    /** An empty Kamailio usrloc database (WAL journal, like sipwake's). */
    static Path kamailio(Harness h, String name) {
        return kamailio(h, name, 0);
    }

    /** A Kamailio usrloc database with {@code n} contacts in {@code location}, one per user u0..u(n-1), expiring in a day. */
    static Path kamailio(Harness h, String name, int n) {
        Path file = h.workDir(name).resolve("kamailio.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            for (String script : new String[] {"standard-create.sql", "usrloc-create.sql"}) {
                for (String sql : Files.readString(KAMAILIO_SCHEMA.resolve(script)).split(";")) {
                    String statement = sql.lines().filter(l -> !l.startsWith("--")).reduce("", (a, b) -> a + "\n" + b).trim();
                    if (!statement.isEmpty()) s.execute(statement);
                }
            }
            if (n > 0) {
                c.setAutoCommit(false);
                long nowSeconds = System.currentTimeMillis() / 1000;
                double expires = julianDay(nowSeconds + 86_400);
                double now = julianDay(nowSeconds);
                try (PreparedStatement p = c.prepareStatement("INSERT INTO location (ruid, username, contact, expires, q, callid,"
                        + " cseq, last_modified, user_agent) VALUES (?, ?, ?, ?, -1, ?, 1, ?, 'sipwake-bench')")) {
                    for (int i = 0; i < n; i++) {
                        p.setString(1, "uloc-bench-" + i);
                        p.setString(2, "u" + i);
                        p.setString(3, plainContact(i));
                        p.setDouble(4, expires);
                        p.setString(5, "bench-" + i + "@127.0.0.1");
                        p.setDouble(6, now);
                        p.addBatch();
                        if (i % 10_000 == 9_999) p.executeBatch();
                    }
                    p.executeBatch();
                }
                c.commit();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Kamailio's SQLite schema is missing: apt-get install kamailio-sqlite-modules", e);
        }
        return file;
    }

    /**
     * A time as Kamailio's db_sqlite stores and reads a DATETIME column: a Julian day number (REAL), UTC. It reads
     * the column with {@code sqlite3_column_double}, so a text date such as '2026-11-27 16:05:16' comes back as
     * 2026.0, a day in 4700 BC: usrloc then loads every contact as long expired, and its timer deletes them all.
     */
    static double julianDay(long epochSeconds) {
        return epochSeconds / 86_400.0 + 2_440_587.5;
    }
}

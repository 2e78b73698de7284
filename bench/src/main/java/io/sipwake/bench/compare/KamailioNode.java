package io.sipwake.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kamailio from Debian's packages with {@code compare/kamailio-bench.cfg} in one of its roles (the {@code -A} defines),
 * on 127.0.0.1 UDP+TCP, with the ctl and kex modules so that {@code kamcmd} can read its shared memory use and usrloc's
 * contact count ({@code -m}: shared memory size; {@code -M}, private memory per process, half that: usrloc preloads a
 * whole SQLite table in it).
 */
final class KamailioNode implements Node {
    private static final Pattern SHM_REAL_USED = Pattern.compile("(?m)^\\s*real_used:\\s*(\\d+)");
    private static final Pattern CONTACTS = Pattern.compile("usrloc:location_contacts = (\\d+)");
    /** How long a usrloc contact count may stay below the expected one before loading is taken to have stopped. */
    private static final long LOAD_STALL_MILLIS = 10_000;

    private final Proc proc;
    private final int port;
    private final long startNanos;
    private final long startMillis;
    private final Path ctlSocket;

    private KamailioNode(Proc proc, int port, long startNanos, Path ctlSocket) {
        this.proc = proc;
        this.port = port;
        this.startNanos = startNanos;
        this.startMillis = (System.nanoTime() - startNanos) / 1_000_000;
        this.ctlSocket = ctlSocket;
    }

    static KamailioNode start(Harness h, String name, int port, int shmMegabytes, List<String> defines) {
        h.checkTime();
        Path dir = h.workDir(name);
        Path ctl = dir.resolve("ctl.sock");
        List<String> command = new ArrayList<>(List.of(h.kamailio().toString(), "-DD", "-E",
                "-f", h.resource("kamailio-bench.cfg").toString(), "-Y", dir.toString(),
                "-l", "udp:127.0.0.1:" + port, "-l", "tcp:127.0.0.1:" + port,
                "-A", "WITH_CTL", "-A", "CTL_SOCKET=\"unix:" + ctl + "\"", "-m", Integer.toString(shmMegabytes), "-M", Integer.toString(shmMegabytes / 2)));
        for (String d : defines) command.addAll(List.of("-A", d));
        long t0 = System.nanoTime();
        Proc proc = Proc.start(name, command, dir, Map.of(), true);
        try {
            Udp.awaitOptions(port, 180_000, proc::isAlive, name);
        } catch (RuntimeException e) {
            proc.close();
            throw new IllegalStateException(e.getMessage() + "\n" + proc.tail(), e);
        }
        return new KamailioNode(proc, port, t0, ctl);
    }

    static KamailioNode start(Harness h, String name, List<String> defines) {
        return start(h, name, Udp.freePort(), 1024, defines);
    }

    @Override
    public String name() {
        return proc.name();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public long startMillis() {
        return startMillis;
    }

    /**
     * Shared memory taken from Kamailio's pool (kamcmd core.shmmem {@code real_used}: the allocations with the
     * allocator's per-fragment headers, what the process really needs), in bytes: where usrloc and tm keep bindings
     * and transactions.
     */
    long sharedMemoryUsed(Harness h) {
        String out = kamcmd(h, "core.shmmem");
        Matcher m = SHM_REAL_USED.matcher(out);
        if (!m.find()) throw new IllegalStateException("no 'real_used' in kamcmd core.shmmem:\n" + out);
        return Long.parseLong(m.group(1));
    }

    /** The contacts usrloc holds in memory (kamcmd stats.get_statistics usrloc:, statistics of the kex module). */
    long usrlocContacts(Harness h) {
        String out = kamcmd(h, "stats.get_statistics", "usrloc:");
        Matcher m = CONTACTS.matcher(out);
        if (!m.find()) throw new IllegalStateException("no usrloc:location_contacts in kamcmd stats.get_statistics usrloc:\n" + out);
        return Long.parseLong(m.group(1));
    }

    /**
     * Waits until usrloc holds exactly {@code expected} contacts, and returns the milliseconds from the process start.
     * Kamailio answers OPTIONS before its bindings are in memory (the first SIP worker preloads the location table in
     * its child_init while the other workers already serve), so the first 200 alone proves nothing. Fails when the
     * count, once growing, stops short of {@code expected} (rows usrloc skipped or dropped: expired, unparsable), at
     * the deadline, or when the process exits. (It stays 0 while db_sqlite reads the whole table, before the first
     * contact is inserted.)
     */
    long awaitContacts(Harness h, long expected, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        long last = -1;
        long lastChange = System.nanoTime();
        while (true) {
            if (!proc.isAlive()) throw new IllegalStateException(name() + " exited while loading its bindings\n" + proc.tail());
            long count = usrlocContacts(h);
            long now = System.nanoTime();
            if (count == expected) return (now - startNanos) / 1_000_000;
            if (count > expected) throw new IllegalStateException(name() + " holds " + count + " contacts, expected " + expected);
            if (count != last) {
                last = count;
                lastChange = now;
            } else if (count > 0 && now - lastChange > LOAD_STALL_MILLIS * 1_000_000) {
                throw new IllegalStateException(name() + " loaded only " + count + " of " + expected + " bindings from its"
                        + " database (usrloc skips expired or unreadable rows)");
            }
            if (now > deadline) {
                throw new IllegalStateException(name() + " loaded " + count + " of " + expected + " bindings in " + timeoutMillis + " ms");
            }
            h.pause(50);
        }
    }

    private String kamcmd(Harness h, String... command) {
        List<String> args = new ArrayList<>(List.of(h.kamcmd().toString(), "-s", "unix:" + ctlSocket));
        args.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("kamcmd " + String.join(" ", command) + " failed: " + out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        proc.close();
    }
}

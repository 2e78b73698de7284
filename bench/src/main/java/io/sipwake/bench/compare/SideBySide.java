package io.sipwake.bench.compare;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * sipwake and Kamailio side by side on loopback (issue 6): the same SIPp loads against each, alternately, and a table
 * of both figures and their ratio. Run by {@code bench/run-all.sh}; {@code --smoke} shrinks every load so that the
 * whole harness runs in about a minute (what the test suite does).
 *
 * <pre>
 *   SideBySide [--smoke] [--only register,calls,edge,wake,capacity] [--sipwake-jar FILE] [--keep] [--profile DIR]
 *              [--budget SECONDS]
 * </pre>
 *
 * <p>Each section has a share of the time budget (default {@link #defaultBudgetSeconds}); a section that fails or runs
 * out of time leaves "failed: reason" in its rows and the run goes on, so the table always has every row.
 */
public final class SideBySide {
    static final String DOMAIN = "example.com";
    static final List<String> SECTIONS = List.of("register", "calls", "edge", "wake", "capacity");

    private final Harness h;
    private final Table table;

    SideBySide(Harness h, Table table) {
        this.h = h;
        this.table = table;
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = false;
        boolean keep = false;
        Path jar = null;
        Path profile = null;
        Long budget = null;
        Set<String> only = new LinkedHashSet<>(SECTIONS);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> smoke = true;
                case "--keep" -> keep = true;
                case "--sipwake-jar" -> jar = Path.of(args[++i]).toAbsolutePath();
                case "--profile" -> profile = Path.of(args[++i]).toAbsolutePath();
                case "--only" -> only = new LinkedHashSet<>(List.of(args[++i].split(",")));
                case "--budget" -> budget = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("unknown argument " + args[i]
                            + "; usage: SideBySide [--smoke] [--only " + String.join(",", SECTIONS) + "] [--sipwake-jar FILE] [--keep] [--profile DIR] [--budget SECONDS]");
                    System.exit(2);
                }
            }
        }
        if (!SECTIONS.containsAll(only)) {
            System.err.println("--only takes a comma-separated subset of " + SECTIONS);
            System.exit(2);
        }
        String out = run(smoke, only, Harness.sipwakeCommand(jar), keep, profile, System.err,
                budget != null ? budget : defaultBudgetSeconds(smoke));
        System.out.print(out);
        System.out.flush();
        System.exit(0);
    }

    /** Runs the chosen sections and returns the report (header, table, notes); {@code budgetSeconds} bounds the whole run. */
    static String run(boolean smoke, Set<String> only, List<String> sipwakeJava, boolean keep, Path profile, PrintStream log,
            long budgetSeconds) throws Exception {
        String started = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        double loadBefore = loadAverage();
        long t0 = System.nanoTime();
        Path work = Files.createTempDirectory("sipwake-side-by-side");
        if (profile != null) Files.createDirectories(profile);
        try (Harness h = new Harness(smoke, sipwakeJava, work, keep, log, profile)) {
            SideBySide bench = new SideBySide(h, new Table());
            int totalWeight = only.stream().mapToInt(SideBySide::weight).sum();
            int weightSoFar = 0;
            for (String name : SECTIONS) {
                if (!only.contains(name)) continue;
                weightSoFar += weight(name);
                // Cumulative deadlines: time a section leaves unused goes to the sections after it.
                long deadline = t0 + TimeUnit.SECONDS.toNanos(budgetSeconds) * weightSoFar / totalWeight;
                bench.runSection(name, deadline);
            }
            long minutes = (System.nanoTime() - t0) / 60_000_000_000L;
            long seconds = (System.nanoTime() - t0) / 1_000_000_000L % 60;
            return header(started, smoke, loadBefore, minutes, seconds, h) + "\n" + bench.table.render() + "\n" + notes(bench.table);
        } finally {
            Proc.stopAll();
        }
    }

    /** The whole run's time budget: 17 minutes (run-all.sh's 20 less the build), 150 s for a smoke run. */
    static long defaultBudgetSeconds(boolean smoke) {
        return smoke ? 150 : 1020;
    }

    /** A section's share of the run's time budget (roughly what it takes in a full run on the 2-core machine). */
    static int weight(String section) {
        return switch (section) {
            case "register" -> 21;
            case "calls" -> 15;
            case "edge" -> 21;
            case "wake" -> 18;
            case "capacity" -> 27;
            default -> throw new IllegalArgumentException(section);
        };
    }

    /** What a section measures, once its rows are declared. */
    interface Body {
        void run() throws Exception;
    }

    /**
     * Declares the section's rows, then measures on a thread of its own until {@code deadline}. Whatever fails or
     * runs out of time is reported in the rows it concerns ("Kamailio failed: ..."), and the run goes on with the
     * next section; every process the section started is stopped before the next one begins.
     */
    void runSection(String name, long deadline) throws InterruptedException {
        int before = table.rows().size();
        Body body = switch (name) {
            case "register" -> register();
            case "calls" -> calls();
            case "edge" -> new EdgeBench(h, table).declare();
            case "wake" -> new WakeBench(h, table).declare();
            case "capacity" -> new CapacityBench(h, table).declare();
            default -> throw new IllegalArgumentException(name);
        };
        List<Table.Row> rows = table.rows().subList(before, table.rows().size());
        long t0 = System.nanoTime();
        long budget = Math.max(0, deadline - t0);
        h.log("section %s: up to %d s", name, TimeUnit.NANOSECONDS.toSeconds(budget));
        Throwable[] failure = new Throwable[1];
        Thread thread = new Thread(() -> {
            try {
                h.deadline(deadline);
                body.run();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "section-" + name);
        thread.setDaemon(true);
        thread.start();
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(budget)));
        String reason;
        if (thread.isAlive()) {
            reason = "section " + name + " ran out of its " + TimeUnit.NANOSECONDS.toSeconds(budget) + " s";
            Proc.stopAll(); // its SIPp, servers and phones fail fast now; its next step sees the deadline and stops
            thread.interrupt();
            thread.join(20_000);
        } else if (failure[0] != null) {
            reason = Harness.reason(failure[0]);
            h.log("section %s failed: %s", name, failure[0]);
        } else {
            reason = "not measured";
        }
        table.seal(rows, reason);
        Proc.stopAll();
        h.log("section %s took %d s", name, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));
    }

    /**
     * Measures one server's figures for some rows: a failure is written into those rows for that server (rows that
     * already have its figure keep it) and the section goes on with the other server.
     */
    void measure(Table.Side side, String what, List<Table.Row> rows, Body body) {
        h.checkTime();
        try {
            body.run();
        } catch (Harness.OutOfTime e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Harness.OutOfTime();
        } catch (Exception | AssertionError e) {
            if (h.pastDeadline()) throw new Harness.OutOfTime();
            String reason = Harness.reason(e);
            h.log("%s failed: %s", what, e);
            rows.forEach(r -> r.fail(side, reason));
        }
    }

    /** Row 1: REGISTER throughput, registrar role, in memory and persisted. */
    private Body register() {
        Table.Row memory = table.add("1a", "REGISTER rate, registrar, in memory", "REGISTER/s", true,
                "highest stepped rate with 0 failures, 0 retransmissions");
        Table.Row sqlite = table.add("1b", "REGISTER rate, registrar, persisted (SQLite, write-through)", "REGISTER/s", true,
                "highest stepped rate with 0 failures, 0 retransmissions");
        return () -> {
            for (boolean persisted : new boolean[] {false, true}) {
                String kind = persisted ? "SQLite" : "memory";
                Table.Row row = persisted ? sqlite : memory;
                int start = persisted ? 50 : 500;
                measure(Table.Side.SIPWAKE, "sipwake " + kind + " REGISTER", List.of(row), () -> {
                    try (SipwakeNode s = SipwakeNode.start(h, "sipwake-registrar-" + kind, persisted ? "sqlite" : "memory", "", jfr("register-" + kind))) {
                        setRate(row, Table.Side.SIPWAKE, registerRate(s, "sipwake " + kind, start));
                    }
                });
                measure(Table.Side.KAMAILIO, "Kamailio " + kind + " REGISTER", List.of(row), () -> {
                    List<String> defines = new ArrayList<>();
                    if (persisted) {
                        Path db = Databases.kamailio(h, "kamailio-registrar-db");
                        defines.addAll(List.of("WITH_DB", "DB_URL=\"sqlite://" + db + "\""));
                    }
                    try (KamailioNode k = KamailioNode.start(h, "kamailio-registrar-" + kind, defines)) {
                        setRate(row, Table.Side.KAMAILIO, registerRate(k, "Kamailio " + kind, start));
                    }
                });
            }
        };
    }

    /** A found rate into the row, or why there is none (not even the lowest step was clean). */
    static void setRate(Table.Row row, Table.Side side, RateSearch.Result r) {
        if (r.rate() > 0) {
            row.set(side, (double) r.rate());
        } else {
            row.fail(side, "no clean step, down to " + r.failedAt() + "/s");
        }
    }

    RateSearch.Result registerRate(Node node, String what, int start) {
        int[] step = {0};
        return RateSearch.search(h, what + " REGISTER", h.smoke() ? 20 : start, h.smoke() ? 20 : 16_000, h.smoke() ? 0 : 2,
                rate -> Sipp.run(h, node.name() + "-register-" + (++step[0]), "register.xml", node.port(), rate,
                        stepCount(rate), Math.max(100, rate * 2),
                        Map.of("user", "s" + step[0] + "u", "domain", DOMAIN), null));
    }

    /** Row 2: stateful call relay caller -> proxy -> callee; highest clean call rate, then set-up latency at a fixed rate. */
    private Body calls() {
        Table.Row rate = table.add("2a", "call rate, caller -> proxy -> callee", "calls/s", true,
                "INVITE/100/180/200/ACK/BYE, 0 failed calls, 0 retransmissions");
        List<Table.Row> latency = declareLatencyRows("2b", "call set-up (INVITE -> 200) at " + probeRate() + " calls/s");
        List<Table.Row> all = new ArrayList<>(List.of(rate));
        all.addAll(latency);
        return () -> {
            for (Table.Side side : Table.Side.values()) {
                measure(side, side.label + " relay", all, () -> {
                    try (Node node = side == Table.Side.SIPWAKE ? SipwakeNode.start(h, "sipwake-proxy", "memory", "", jfr("calls"))
                            : KamailioNode.start(h, "kamailio-proxy", List.of())) {
                        relay(node, node.port(), node.port(), side.label + " relay", side, rate, latency);
                    }
                });
            }
        };
    }

    /**
     * Calls through {@code node}: the callee (a SIPp UAS) registers through {@code registerPort}, the caller sends to
     * {@code callPort}. Sets the highest clean call rate and the probe's set-up latencies at the moderate rate.
     */
    void relay(Node node, int registerPort, int callPort, String what, Table.Side side, Table.Row rateRow, List<Table.Row> latencyRows)
            throws Exception {
        int calleePort = Udp.freePort();
        // Registered from the port the callee will listen on (before SIPp takes it): that is where sipwake sends.
        Udp.register(registerPort, calleePort, "callee", DOMAIN, "sip:callee@127.0.0.1:" + calleePort);
        try (Proc callee = Sipp.serve(h, node.name() + "-callee", "callee.xml", calleePort)) {
            int[] step = {0};
            RateSearch.Result r = RateSearch.search(h, what + " calls", h.smoke() ? 10 : 100, h.smoke() ? 10 : 8_000, h.smoke() ? 0 : 2,
                    rate -> Sipp.run(h, node.name() + "-calls-" + (++step[0]), "caller.xml", callPort, rate, stepCount(rate),
                            Math.max(100, rate * 2), Map.of("domain", DOMAIN), "callee"));
            setRate(rateRow, side, r);
            h.checkTime();
            try (CallProbe probe = new CallProbe(callPort, DOMAIN)) {
                probe.run(h.smoke() ? 5 : 200, probeRate()); // warm-up, not counted
                CallProbe.Result p = probe.run(h.smoke() ? 20 : probeRate() * 10, probeRate());
                h.log("%s set-up latency: %d calls, %d failed", what, p.setupNanos().size(), p.failed());
                setLatencies(latencyRows, side, p.setupNanos(), p.failed());
            }
        }
    }

    int probeRate() {
        return h.smoke() ? 20 : 100;
    }

    /** Calls per rate step: 3 s of load (1 s in a smoke run). */
    long stepCount(int rate) {
        return (long) rate * (h.smoke() ? 1 : 3);
    }

    private static final int[] LATENCY_PERCENTILES = {50, 90, 99};

    List<Table.Row> declareLatencyRows(String id, String what) {
        List<Table.Row> rows = new ArrayList<>();
        for (int p : LATENCY_PERCENTILES) rows.add(table.add(id, what + ", p" + p, "ms", false, ""));
        return rows;
    }

    static void setLatencies(List<Table.Row> rows, Table.Side side, List<Long> sortedNanos, int failedCalls) {
        if (sortedNanos.isEmpty()) {
            rows.forEach(r -> r.fail(side, "no call set up (" + failedCalls + " failed)"));
            return;
        }
        for (int i = 0; i < rows.size(); i++) rows.get(i).set(side, percentileMillis(sortedNanos, LATENCY_PERCENTILES[i]));
        rows.get(rows.size() - 1).annotate(side.label + ": " + failedCalls + " of " + (sortedNanos.size() + failedCalls) + " calls failed");
    }

    /** Nearest-rank percentile of sorted nanoseconds, in ms; null when there is no sample. */
    static Double percentileMillis(List<Long> sortedNanos, int pct) {
        if (sortedNanos.isEmpty()) return null;
        int rank = (int) Math.ceil(pct / 100.0 * sortedNanos.size());
        return sortedNanos.get(Math.max(0, Math.min(sortedNanos.size() - 1, rank - 1))) / 1e6;
    }

    /** A JFR file for this scenario when profiling, else null. */
    Path jfr(String scenario) {
        return h.profileDir() == null ? null : h.profileDir().resolve("sipwake-" + scenario + ".jfr");
    }

    private static String header(String started, boolean smoke, double loadBefore, long minutes, long seconds, Harness h) {
        return String.format(Locale.ROOT, "sipwake vs Kamailio, side by side%s: %s, %d CPUs, %s, %s %s; %s; %s; %s%n"
                        + "load average %.1f before, %.1f after; the whole run took %d min %d s%n",
                smoke ? " (SMOKE RUN: tiny loads, figures mean nothing)" : "", started,
                Runtime.getRuntime().availableProcessors(), memory(), System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                firstLine(h.kamailio().toString(), "-v"), firstLine(h.sipp().toString(), "-v"),
                loadBefore, loadAverage(), minutes, seconds);
    }

    private static String notes(Table table) {
        StringBuilder sb = new StringBuilder();
        sb.append("SIPp, the harness's phones and callers, and the proxy under test share the same CPUs (loopback): the figures are\n")
                .append("the whole system's, not the proxy's alone. Only ratios from one run compare; absolute figures move with the\n")
                .append("machine's load. Ratio = sipwake / Kamailio.\n");
        List<String> slower = table.rows().stream().filter(Table.Row::sipwakeSlower).map(r -> r.id() + " " + r.what()).toList();
        if (!slower.isEmpty()) sb.append("sipwake is behind Kamailio (by more than 10%) on: ").append(String.join("; ", slower)).append('\n');
        return sb.toString();
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String memory() {
        try {
            String line = Files.readAllLines(Path.of("/proc/meminfo")).get(0);
            return Math.round(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0) + " GiB";
        } catch (IOException | RuntimeException e) {
            return "? GiB";
        }
    }

    private static String firstLine(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return out.lines().map(String::trim).filter(l -> !l.isEmpty()).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}

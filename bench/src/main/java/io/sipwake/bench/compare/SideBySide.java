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

/**
 * sipwake and Kamailio side by side on loopback (issue 6): the same SIPp loads against each, alternately, and a table
 * of both figures and their ratio. Run by {@code bench/run-all.sh}; {@code --smoke} shrinks every load so that the
 * whole harness runs in about a minute (what the test suite does).
 *
 * <pre>
 *   SideBySide [--smoke] [--only register,calls,edge,wake,capacity] [--sipwake-jar FILE] [--keep] [--profile DIR]
 * </pre>
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
        Set<String> only = new LinkedHashSet<>(SECTIONS);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> smoke = true;
                case "--keep" -> keep = true;
                case "--sipwake-jar" -> jar = Path.of(args[++i]).toAbsolutePath();
                case "--profile" -> profile = Path.of(args[++i]).toAbsolutePath();
                case "--only" -> only = new LinkedHashSet<>(List.of(args[++i].split(",")));
                default -> {
                    System.err.println("unknown argument " + args[i]
                            + "; usage: SideBySide [--smoke] [--only " + String.join(",", SECTIONS) + "] [--sipwake-jar FILE] [--keep] [--profile DIR]");
                    System.exit(2);
                }
            }
        }
        if (!SECTIONS.containsAll(only)) {
            System.err.println("--only takes a comma-separated subset of " + SECTIONS);
            System.exit(2);
        }
        String out = run(smoke, only, Harness.sipwakeCommand(jar), keep, profile, System.err);
        System.out.print(out);
        System.out.flush();
        System.exit(0);
    }

    /** Runs the chosen sections and returns the report (header, table, notes). */
    static String run(boolean smoke, Set<String> only, List<String> sipwakeJava, boolean keep, Path profile, PrintStream log)
            throws Exception {
        String started = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        double loadBefore = loadAverage();
        long t0 = System.nanoTime();
        Path work = Files.createTempDirectory("sipwake-side-by-side");
        if (profile != null) Files.createDirectories(profile);
        try (Harness h = new Harness(smoke, sipwakeJava, work, keep, log, profile)) {
            SideBySide bench = new SideBySide(h, new Table());
            if (only.contains("register")) bench.register();
            if (only.contains("calls")) bench.calls();
            if (only.contains("edge")) new EdgeBench(h, bench.table).run();
            if (only.contains("wake")) new WakeBench(h, bench.table).run();
            if (only.contains("capacity")) new CapacityBench(h, bench.table).run();
            long minutes = (System.nanoTime() - t0) / 60_000_000_000L;
            long seconds = (System.nanoTime() - t0) / 1_000_000_000L % 60;
            return header(started, smoke, loadBefore, minutes, seconds, h) + "\n" + bench.table.render() + "\n" + notes(bench.table);
        }
    }

    /** Row 1: REGISTER throughput, registrar role, in memory and persisted. */
    private void register() throws Exception {
        for (boolean persisted : new boolean[] {false, true}) {
            String kind = persisted ? "SQLite" : "memory";
            Double[] rates = new Double[2];
            try (SipwakeNode s = SipwakeNode.start(h, "sipwake-registrar-" + kind, persisted ? "sqlite" : "memory", "", jfr("register-" + kind))) {
                rates[0] = (double) registerRate(s, "sipwake " + kind, persisted ? 50 : 500).rate();
            }
            List<String> defines = new ArrayList<>();
            if (persisted) {
                Path db = Databases.kamailio(h, "kamailio-registrar-db");
                defines.addAll(List.of("WITH_DB", "DB_URL=\"sqlite://" + db + "\""));
            }
            try (KamailioNode k = KamailioNode.start(h, "kamailio-registrar-" + kind, defines)) {
                rates[1] = (double) registerRate(k, "Kamailio " + kind, persisted ? 50 : 500).rate();
            }
            table.add(persisted ? "1b" : "1a", "REGISTER rate, registrar, " + (persisted ? "persisted (SQLite, write-through)" : "in memory"),
                    "REGISTER/s", true, rates[0], rates[1], "highest stepped rate with 0 failures, 0 retransmissions");
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
    private void calls() throws Exception {
        Double[] rate = new Double[2];
        List<List<Long>> latencies = new ArrayList<>();
        int[] failed = new int[2];
        for (int i = 0; i < 2; i++) {
            try (Node node = i == 0 ? SipwakeNode.start(h, "sipwake-proxy", "memory", "", jfr("calls"))
                    : KamailioNode.start(h, "kamailio-proxy", List.of())) {
                RelayResult r = relay(node, node.port(), node.port(), (i == 0 ? "sipwake" : "Kamailio") + " relay");
                rate[i] = (double) r.rate;
                latencies.add(r.setupNanos);
                failed[i] = r.failedProbes;
            }
        }
        table.add("2a", "call rate, caller -> proxy -> callee", "calls/s", true, rate[0], rate[1],
                "INVITE/100/180/200/ACK/BYE, 0 failed calls, 0 retransmissions");
        addLatencyRows("2b", "call set-up (INVITE -> 200) at " + probeRate() + " calls/s", latencies, failed);
    }

    record RelayResult(int rate, List<Long> setupNanos, int failedProbes) {
    }

    /**
     * Calls through {@code node}: the callee (a SIPp UAS) registers through {@code registerPort}, the caller sends to
     * {@code callPort}. Returns the highest clean call rate and the probe's set-up latencies at the moderate rate.
     */
    RelayResult relay(Node node, int registerPort, int callPort, String what) throws Exception {
        int calleePort = Udp.freePort();
        // Registered from the port the callee will listen on (before SIPp takes it): that is where sipwake sends.
        Udp.register(registerPort, calleePort, "callee", DOMAIN, "sip:callee@127.0.0.1:" + calleePort);
        try (Proc callee = Sipp.serve(h, node.name() + "-callee", "callee.xml", calleePort)) {
            int[] step = {0};
            RateSearch.Result r = RateSearch.search(h, what + " calls", h.smoke() ? 10 : 100, h.smoke() ? 10 : 8_000, h.smoke() ? 0 : 2,
                    rate -> Sipp.run(h, node.name() + "-calls-" + (++step[0]), "caller.xml", callPort, rate, stepCount(rate),
                            Math.max(100, rate * 2), Map.of("domain", DOMAIN), "callee"));
            try (CallProbe probe = new CallProbe(callPort, DOMAIN)) {
                probe.run(h.smoke() ? 5 : 200, probeRate()); // warm-up, not counted
                CallProbe.Result p = probe.run(h.smoke() ? 20 : probeRate() * 10, probeRate());
                h.log("%s set-up latency: %d calls, %d failed", what, p.setupNanos().size(), p.failed());
                return new RelayResult(r.rate(), p.setupNanos(), p.failed());
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

    void addLatencyRows(String id, String what, List<List<Long>> nanos, int[] failed) {
        for (int p : new int[] {50, 90, 99}) {
            table.add(id, what + ", p" + p, "ms", false, percentileMillis(nanos.get(0), p), percentileMillis(nanos.get(1), p),
                    p == 99 ? "failed calls: sipwake " + failed[0] + ", Kamailio " + failed[1] : "");
        }
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

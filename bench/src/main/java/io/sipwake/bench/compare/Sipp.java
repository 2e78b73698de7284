package io.sipwake.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Runs SIPp (Debian's sip-tester) over UDP on 127.0.0.1 and reads its statistics file. */
final class Sipp {
    private Sipp() {
    }

    /** What one bounded SIPp run did: cumulative counters of its last statistics line, and how long it took. */
    record Stats(long count, long successful, long failed, long retransmissions, double wallSeconds, int exitCode) {
        /** Every call succeeded with no retransmission, and SIPp kept the offered rate (within 15% plus a second). */
        boolean clean(int rate) {
            return exitCode == 0 && failed == 0 && retransmissions == 0 && successful == count
                    && wallSeconds <= count / (double) rate * 1.15 + 1.0;
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%d/%d ok, %d failed, %d retransmissions, %.1f s, exit %d",
                    successful, count, failed, retransmissions, wallSeconds, exitCode);
        }
    }

    /**
     * Runs {@code scenario} against 127.0.0.1:{@code port} at {@code rate} calls/s until {@code count} calls were
     * made (at most {@code limit} at once), each message waited for at most 5 s; the whole run is killed after the
     * nominal duration plus 30 s.
     */
    static Stats run(Harness h, String name, String scenario, int port, int rate, long count, int limit,
            Map<String, String> keys, String service) {
        h.checkTime();
        Path dir = h.workDir(name);
        Path stat = dir.resolve("stat.csv");
        List<String> command = new ArrayList<>(List.of(h.sipp().toString(),
                "-sf", h.resource("sipp/" + scenario).toString(), "127.0.0.1:" + port,
                "-i", "127.0.0.1", "-p", Integer.toString(Udp.freePort()), "-t", "u1",
                "-r", Integer.toString(rate), "-rp", "1000", "-m", Long.toString(count), "-l", Integer.toString(limit),
                "-recv_timeout", "5000", "-nostdin",
                "-trace_stat", "-stf", stat.toString(), "-fd", "1",
                "-trace_err", "-error_file", dir.resolve("errors.log").toString()));
        if (service != null) command.addAll(List.of("-s", service));
        keys.forEach((k, v) -> command.addAll(List.of("-key", k, v)));
        long t0 = System.nanoTime();
        Proc p = Proc.start(name, command, dir, Map.of(), false);
        int exit;
        try {
            exit = p.await(count / Math.max(1, rate) + 30);
        } catch (InterruptedException e) {
            p.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        return parse(stat, count, wall, exit);
    }

    /** A SIPp UAS running {@code scenario} on 127.0.0.1:{@code port} until closed. */
    static Proc serve(Harness h, String name, String scenario, int port) {
        h.checkTime();
        Path dir = h.workDir(name);
        return Proc.start(name, List.of(h.sipp().toString(), "-sf", h.resource("sipp/" + scenario).toString(),
                "-i", "127.0.0.1", "-p", Integer.toString(port), "-t", "u1", "-nostdin",
                "-trace_err", "-error_file", dir.resolve("errors.log").toString()), dir, Map.of(), false);
    }

    private static Stats parse(Path stat, long count, double wall, int exit) {
        try {
            List<String> lines = Files.exists(stat) ? Files.readAllLines(stat) : List.of();
            if (lines.size() < 2) return new Stats(count, 0, count, 0, wall, exit == 0 ? 99 : exit);
            List<String> head = Arrays.asList(lines.get(0).split(";"));
            String[] last = lines.get(lines.size() - 1).split(";");
            return new Stats(count, column(head, last, "SuccessfulCall(C)"), column(head, last, "FailedCall(C)"),
                    column(head, last, "Retransmissions(C)"), wall, exit);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long column(List<String> head, String[] row, String name) {
        int i = head.indexOf(name);
        if (i < 0 || i >= row.length) throw new IllegalStateException("SIPp statistics have no column " + name);
        return Long.parseLong(row[i].trim());
    }
}

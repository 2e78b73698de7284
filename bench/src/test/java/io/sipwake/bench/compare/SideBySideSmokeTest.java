package io.sipwake.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The benchmark harness of bench/run-all.sh with tiny loads (--smoke): every section starts sipwake (from this class
 * path) and Kamailio, drives them with SIPp and the harness's phones, stops them, and the report has every row with
 * a figure for each server. Not a benchmark: the figures of a smoke run mean nothing and are not compared.
 *
 * <p>Needs sipp, kamailio and kamailio-sqlite-modules: skipped when one is missing, failed when CI is set.
 */
class SideBySideSmokeTest {
    private static final List<String> ROWS = List.of("1a", "1b", "2a", "2b", "3a", "3b", "3c", "4", "5a", "5b", "5c");
    /** A table row: id, figure, unit, sipwake, Kamailio, ratio, note. */
    private static final Pattern ROW = Pattern.compile("(?m)^\\| (\\w+) +\\|([^|]*)\\|[^|]*\\|\\s*([^|]*?)\\s*\\|\\s*([^|]*?)\\s*\\|[^|]*\\|([^|]*)\\|$");
    private static final Pattern FIGURE = Pattern.compile("\\d[\\d,]*(\\.\\d+)?");

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES) // the run itself is bounded by its 150 s budget
    void smokeRunMeasuresEveryRowForBothServersAndStopsEverythingItStarted() throws Exception {
        require(Harness.find("sipp").isPresent(), "sipp is not installed", "sip-tester");
        require(Harness.find("kamailio").isPresent(), "kamailio is not installed", "kamailio");
        require(Files.isDirectory(Path.of("/usr/share/kamailio/db_sqlite")), "Kamailio's SQLite module is not installed",
                "kamailio-sqlite-modules");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        String report = SideBySide.run(true, new LinkedHashSet<>(SideBySide.SECTIONS), Harness.sipwakeCommand(null), false, null,
                new PrintStream(progress, true, StandardCharsets.UTF_8), SideBySide.defaultBudgetSeconds(true));
        String context = report + "\n--- progress ---\n" + progress.toString(StandardCharsets.UTF_8);

        assertTrue(report.contains("SMOKE RUN"), context);
        assertTrue(report.contains("Only ratios from one run compare"), context);
        Matcher m = ROW.matcher(report);
        List<String> seen = new java.util.ArrayList<>();
        while (m.find()) {
            if (m.group(1).equals("#")) continue;
            seen.add(m.group(1));
            String row = m.group(1) + m.group(2).trim();
            assertTrue(FIGURE.matcher(m.group(3)).matches(), "no sipwake figure in row " + row + "\n" + context);
            assertTrue(FIGURE.matcher(m.group(4)).matches(), "no Kamailio figure in row " + row + "\n" + context);
            assertFalse(m.group(5).contains("failed:"), "row " + row + " reports a failure\n" + context);
        }
        assertEquals(ROWS, seen.stream().distinct().toList(), context);
        assertNoProcessLeft(context);
    }

    /** sipwake, Kamailio (with its workers) and SIPp are all stopped when the run returns. */
    private static void assertNoProcessLeft(String context) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> left;
        do {
            left = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                    .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
            if (left.isEmpty()) return;
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("processes left running: " + left + "\n" + context);
    }

    private static void require(boolean present, String what, String debianPackage) {
        if (present) return;
        String message = what + ": install " + debianPackage + " (apt-get install " + debianPackage + ")";
        String ci = System.getenv("CI");
        if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
            throw new AssertionError(message + "; real-peer tests must run, not skip, when CI is set");
        }
        Assumptions.abort(message);
    }
}

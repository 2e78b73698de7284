package io.sipwake.bench.compare;

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
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The benchmark harness of bench/run-all.sh with tiny loads (--smoke): every section starts sipwake (from this class
 * path) and Kamailio, drives them with SIPp and the harness's phones, stops them, and the report has a row with a
 * figure for each. Not a benchmark: the figures of a smoke run mean nothing and are not checked.
 *
 * <p>Needs sipp, kamailio and kamailio-sqlite-modules: skipped when one is missing, failed when CI is set.
 */
class SideBySideSmokeTest {
    private static final List<String> ROWS = List.of("1a", "1b", "2a", "2b", "3a", "3b", "3c", "4", "5a", "5b", "5c");

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void smokeRunPrintsTheTableWithEveryRow() throws Exception {
        require(Harness.find("sipp").isPresent(), "sipp is not installed", "sip-tester");
        require(Harness.find("kamailio").isPresent(), "kamailio is not installed", "kamailio");
        require(Files.isDirectory(Path.of("/usr/share/kamailio/db_sqlite")), "Kamailio's SQLite module is not installed",
                "kamailio-sqlite-modules");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        String report = SideBySide.run(true, new LinkedHashSet<>(SideBySide.SECTIONS), Harness.sipwakeCommand(null), false, null,
                new PrintStream(progress, true, StandardCharsets.UTF_8));

        assertTrue(report.contains("SMOKE RUN"), report);
        assertTrue(report.contains("| sipwake/Kamailio |") || report.contains("sipwake/Kamailio"), report);
        for (String row : ROWS) {
            assertTrue(Pattern.compile("(?m)^\\| " + Pattern.quote(row) + " +\\|").matcher(report).find(), "no row " + row + " in\n" + report);
        }
        // Each side produced its wake-path and capacity figures (a section that failed would have thrown).
        assertTrue(Pattern.compile("(?m)^\\| 5c .*\\|\\s+\\d[\\d.,]*\\s+\\|\\s+\\d[\\d.,]*\\s+\\|").matcher(report).find(), report);
        assertFalse(report.isBlank());
        assertTrue(report.contains("only ratios from one run compare") || report.contains("Only ratios from one run compare"), report);
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

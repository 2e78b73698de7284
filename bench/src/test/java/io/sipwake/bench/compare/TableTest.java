package io.sipwake.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The side-by-side table keeps every declared row and says in the row why a figure is missing. */
class TableTest {
    @Test
    void rowWithOneServerFailedShowsTheOtherFigureAndTheReason() {
        Table table = new Table();
        Table.Row row = table.add("1b", "REGISTER rate, persisted", "REGISTER/s", true, "0 retransmissions");
        row.set(Table.Side.SIPWAKE, 400.0);
        row.fail(Table.Side.KAMAILIO, "kamailio-registrar-SQLite exited while starting");

        String rendered = table.render();
        assertTrue(rendered.matches("(?s).*\\|\\s+400 \\|\\s+- \\|.*"), rendered);
        assertTrue(rendered.contains("0 retransmissions; Kamailio failed: kamailio-registrar-SQLite exited while starting"), rendered);
        assertEquals("-", row.ratio());
    }

    @Test
    void failureDoesNotReplaceAFigureAlreadyMeasured() {
        Table table = new Table();
        Table.Row rate = table.add("3a", "REGISTER rate through the edge", "REGISTER/s", true, "");
        rate.set(Table.Side.KAMAILIO, 2000.0);
        rate.fail(Table.Side.KAMAILIO, "callee never answered");

        assertEquals(2000.0, rate.value(Table.Side.KAMAILIO));
        assertFalse(rate.fullNote().contains("failed"), rate.fullNote());
    }

    @Test
    void sealedSectionReportsItsTimeoutAndIgnoresLateResults() {
        Table table = new Table();
        Table.Row done = table.add("2a", "call rate", "calls/s", true, "");
        Table.Row unfinished = table.add("2b", "call set-up, p50", "ms", false, "");
        done.set(Table.Side.SIPWAKE, 350.0);
        done.set(Table.Side.KAMAILIO, 1600.0);

        table.seal(List.of(done, unfinished), "section calls ran out of its 150 s");
        unfinished.set(Table.Side.SIPWAKE, 1.5); // the abandoned section thread, too late

        assertEquals("0.22", done.ratio());
        assertEquals(null, unfinished.value(Table.Side.SIPWAKE));
        assertEquals("sipwake failed: section calls ran out of its 150 s; Kamailio failed: section calls ran out of its 150 s",
                unfinished.fullNote());
    }

    @Test
    void sipwakeIsBehindWhenMoreThanTenPercentWorse() {
        Table table = new Table();
        Table.Row rate = table.add("1a", "rate", "REGISTER/s", true, "");
        rate.set(Table.Side.SIPWAKE, 850.0);
        rate.set(Table.Side.KAMAILIO, 1000.0);
        Table.Row latency = table.add("2b", "latency", "ms", false, "");
        latency.set(Table.Side.SIPWAKE, 1.05);
        latency.set(Table.Side.KAMAILIO, 1.0);

        assertTrue(rate.sipwakeSlower());
        assertFalse(latency.sipwakeSlower());
    }
}

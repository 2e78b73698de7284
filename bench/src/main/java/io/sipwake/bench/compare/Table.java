package io.sipwake.bench.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The side-by-side result table: one row per figure, sipwake's and Kamailio's, and their ratio. A section declares
 * its rows before it measures anything, so that the table has every row even when a server or the whole section
 * fails: a figure not measured shows "-" and the row's note says why ("Kamailio failed: ...").
 */
final class Table {
    /** Which server a figure is for. */
    enum Side {
        SIPWAKE("sipwake"), KAMAILIO("Kamailio");

        final String label;

        Side(String label) {
            this.label = label;
        }
    }

    /** One figure for both servers; filled in by the section that declared it, read when the table is rendered. */
    final class Row {
        private final String id;
        private final String what;
        private final String unit;
        private final boolean higherIsBetter;
        private String note;
        private final Double[] value = new Double[2];
        private final String[] failure = new String[2];
        private boolean sealed;

        private Row(String id, String what, String unit, boolean higherIsBetter, String note) {
            this.id = id;
            this.what = what;
            this.unit = unit;
            this.higherIsBetter = higherIsBetter;
            this.note = note == null ? "" : note;
        }

        String id() {
            return id;
        }

        /** Adds to the row's note (e.g. how many calls of a latency sample failed). */
        void annotate(String more) {
            synchronized (Table.this) {
                if (!sealed) note = note.isEmpty() ? more : note + "; " + more;
            }
        }

        String what() {
            return what;
        }

        /** Records a figure; ignored once the row's section was given up (a late result of an abandoned thread). */
        void set(Side side, Double v) {
            synchronized (Table.this) {
                if (!sealed) value[side.ordinal()] = v;
            }
        }

        /** Records why {@code side} has no figure here; ignored when it has one. */
        void fail(Side side, String reason) {
            synchronized (Table.this) {
                if (!sealed && value[side.ordinal()] == null && failure[side.ordinal()] == null) failure[side.ordinal()] = reason;
            }
        }

        Double value(Side side) {
            synchronized (Table.this) {
                return value[side.ordinal()];
            }
        }

        String ratio() {
            Double s = value(Side.SIPWAKE);
            Double k = value(Side.KAMAILIO);
            if (s == null || k == null || k == 0) return "-";
            return String.format(Locale.ROOT, "%.2f", s / k);
        }

        /** True when sipwake does worse than Kamailio on this row by more than 10%. */
        boolean sipwakeSlower() {
            Double s = value(Side.SIPWAKE);
            Double k = value(Side.KAMAILIO);
            if (s == null || k == null || k == 0) return false;
            double r = s / k;
            return higherIsBetter ? r < 0.9 : r > 1.1;
        }

        /** The note, followed by each server's failure, if any. */
        String fullNote() {
            synchronized (Table.this) {
                List<String> parts = new ArrayList<>();
                if (!note.isEmpty()) parts.add(note);
                for (Side side : Side.values()) {
                    if (value[side.ordinal()] == null && failure[side.ordinal()] != null) {
                        parts.add(side.label + " failed: " + failure[side.ordinal()]);
                    }
                }
                return String.join("; ", parts);
            }
        }
    }

    private final List<Row> rows = new ArrayList<>();

    /** Declares a row (its figures come later, by {@link Row#set}). */
    synchronized Row add(String id, String what, String unit, boolean higherIsBetter, String note) {
        Row row = new Row(id, what, unit, higherIsBetter, note);
        rows.add(row);
        return row;
    }

    synchronized List<Row> rows() {
        return List.copyOf(rows);
    }

    /**
     * Marks {@code side}'s missing figures of these rows failed with {@code reason}, then freezes the rows: what a
     * section's abandoned thread still does after it ran out of time is not reported.
     */
    synchronized void seal(List<Row> sectionRows, String reason) {
        for (Row r : sectionRows) {
            for (Side side : Side.values()) r.fail(side, reason);
            r.sealed = true;
        }
    }

    /** The table in Markdown (it reads as plain text on a terminal too). */
    synchronized String render() {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"#", "figure", "unit", "sipwake", "Kamailio", "sipwake/Kamailio", "note"});
        for (Row r : rows) {
            cells.add(new String[] {r.id, r.what, r.unit + (r.higherIsBetter ? " (higher is better)" : " (lower is better)"),
                number(r.value[0]), number(r.value[1]), r.ratio(), r.fullNote()});
        }
        int[] w = new int[7];
        for (String[] c : cells) for (int i = 0; i < c.length; i++) w[i] = Math.max(w[i], c[i].length());
        StringBuilder sb = new StringBuilder();
        for (int n = 0; n < cells.size(); n++) {
            String[] c = cells.get(n);
            sb.append('|');
            for (int i = 0; i < c.length; i++) {
                boolean right = i >= 3 && i <= 5;
                sb.append(' ').append(String.format(Locale.ROOT, "%" + (right ? "" : "-") + w[i] + "s", c[i])).append(" |");
            }
            sb.append('\n');
            if (n == 0) {
                sb.append('|');
                for (int i = 0; i < c.length; i++) sb.append(i >= 3 && i <= 5 ? "-".repeat(w[i] + 1) + ":|" : "-".repeat(w[i] + 2) + "|");
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    static String number(Double v) {
        if (v == null) return "-";
        double a = Math.abs(v);
        if (a >= 100) return String.format(Locale.ROOT, "%,.0f", v);
        if (a >= 10) return String.format(Locale.ROOT, "%.1f", v);
        if (a >= 1) return String.format(Locale.ROOT, "%.2f", v);
        return String.format(Locale.ROOT, "%.3f", v);
    }
}

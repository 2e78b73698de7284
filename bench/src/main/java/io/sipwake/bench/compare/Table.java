package io.sipwake.bench.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The side-by-side result table: one row per figure, sipwake's and Kamailio's, and their ratio. */
final class Table {
    /** One figure; a null value means it was not measured (shown as "-"). */
    record Row(String id, String what, String unit, boolean higherIsBetter, Double sipwake, Double kamailio, String note) {
        String ratio() {
            if (sipwake == null || kamailio == null || kamailio == 0) return "-";
            return String.format(Locale.ROOT, "%.2f", sipwake / kamailio);
        }

        /** True when sipwake does worse than Kamailio on this row by more than 10%. */
        boolean sipwakeSlower() {
            if (sipwake == null || kamailio == null || kamailio == 0) return false;
            double r = sipwake / kamailio;
            return higherIsBetter ? r < 0.9 : r > 1.1;
        }
    }

    private final List<Row> rows = new ArrayList<>();

    void add(String id, String what, String unit, boolean higherIsBetter, Double sipwake, Double kamailio, String note) {
        rows.add(new Row(id, what, unit, higherIsBetter, sipwake, kamailio, note == null ? "" : note));
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    /** The table in Markdown (it reads as plain text on a terminal too). */
    String render() {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"#", "figure", "unit", "sipwake", "Kamailio", "sipwake/Kamailio", "note"});
        for (Row r : rows) {
            cells.add(new String[] {r.id(), r.what(), r.unit() + (r.higherIsBetter() ? " (higher is better)" : " (lower is better)"),
                number(r.sipwake()), number(r.kamailio()), r.ratio(), r.note()});
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

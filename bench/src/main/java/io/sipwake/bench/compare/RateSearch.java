package io.sipwake.bench.compare;

import java.util.function.IntFunction;

/**
 * The highest rate a server sustains cleanly, by the same rule for both servers: from {@code start}, doubles the
 * offered rate until a step fails (a failed call, a retransmission, or SIPp falling behind; see
 * {@link Sipp.Stats#clean}), or, when {@code start} itself fails, halves it until a step is clean (down to
 * {@code start / 16}); then bisects between the highest clean rate and the lowest failed one.
 */
final class RateSearch {
    private RateSearch() {
    }

    /** The outcome: the highest clean rate (0 when no step was clean) and the lowest failed rate (0 if none). */
    record Result(int rate, int failedAt) {
    }

    static Result search(Harness h, String what, int start, int max, int bisections, IntFunction<Sipp.Stats> step) {
        int clean = 0;
        int failed = 0;
        if (attempt(h, what, start, step)) {
            clean = start;
            for (int rate = start * 2; rate <= max; rate *= 2) {
                if (attempt(h, what, rate, step)) {
                    clean = rate;
                } else {
                    failed = rate;
                    break;
                }
            }
        } else {
            failed = start;
            int floor = Math.max(1, start / 16);
            for (int rate = start / 2; rate >= floor && clean == 0; rate /= 2) {
                if (attempt(h, what, rate, step)) clean = rate; else failed = rate;
            }
        }
        if (failed > 0 && clean > 0) {
            for (int i = 0; i < bisections && failed - clean > Math.max(Math.min(10, clean / 4), clean / 16); i++) {
                int mid = (clean + failed) / 2;
                if (attempt(h, what, mid, step)) clean = mid; else failed = mid;
            }
        }
        h.log("%s: highest clean rate %d/s%s", what, clean, failed > 0 ? " (failed at " + failed + "/s)" : " (the cap)");
        return new Result(clean, failed);
    }

    private static boolean attempt(Harness h, String what, int rate, IntFunction<Sipp.Stats> step) {
        h.checkTime();
        Sipp.Stats stats = step.apply(rate);
        boolean clean = stats.clean(rate);
        h.log("  %s at %d/s: %s -> %s", what, rate, stats, clean ? "clean" : "FAILED");
        h.pause(1_000); // let retransmissions and timers of a failed step die down
        return clean;
    }
}

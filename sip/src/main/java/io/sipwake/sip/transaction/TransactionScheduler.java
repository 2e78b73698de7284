package io.sipwake.sip.transaction;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the transaction timers. Two adapters are provided; both run every task on the adapted
 * scheduler's own thread(s), never on a Netty event loop unless you pass one.
 *
 * <ul>
 *   <li>{@link #of(io.netty.util.Timer)} for a Netty {@link io.netty.util.HashedWheelTimer}: O(1)
 *       scheduling and cancellation, the better choice for many concurrent transactions. Timers
 *       fire with the wheel's tick resolution (10 ms is a good tick for SIP).
 *   <li>{@link #of(ScheduledExecutorService)}: exact delays and strict deadline order, useful in
 *       tests. Configure a {@link java.util.concurrent.ScheduledThreadPoolExecutor} with
 *       {@code setRemoveOnCancelPolicy(true)} so cancelled timers do not pile up in its queue.
 * </ul>
 *
 * <p>Tasks must be short and must not block: they retransmit messages and call the transaction
 * user. The layer never shuts down a scheduler it was given.
 */
public interface TransactionScheduler {

    /** Runs {@code task} once after {@code delay}. */
    Cancellable schedule(Runnable task, long delay, TimeUnit unit);

    /** Runs {@code task} soon, on a scheduler thread. */
    default void execute(Runnable task) {
        schedule(task, 0, TimeUnit.NANOSECONDS);
    }

    /** A scheduled task that can be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    static TransactionScheduler of(ScheduledExecutorService executor) {
        return new TransactionScheduler() {
            @Override
            public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
                ScheduledFuture<?> f = executor.schedule(task, delay, unit);
                return () -> f.cancel(false);
            }

            @Override
            public void execute(Runnable task) {
                executor.execute(task);
            }

            @Override
            public String toString() {
                return "TransactionScheduler(" + executor + ")";
            }
        };
    }

    static TransactionScheduler of(io.netty.util.Timer timer) {
        return new TransactionScheduler() {
            @Override
            public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
                io.netty.util.Timeout t = timer.newTimeout(timeout -> task.run(), delay, unit);
                return t::cancel;
            }

            @Override
            public String toString() {
                return "TransactionScheduler(" + timer + ")";
            }
        };
    }
}

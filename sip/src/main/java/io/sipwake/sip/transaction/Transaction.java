package io.sipwake.sip.transaction;

import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.transport.Flow;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What the four state machines share: a per-transaction lock, timers that cannot fire late into
 * a later state, and an ordered queue of callbacks delivered outside the lock.
 *
 * <p><b>Locking discipline.</b> Every state change happens under {@link #lock}, and nothing under
 * it calls out of the transaction except the (non-blocking) transport and scheduler. Callbacks
 * to the TU are {@link #enqueue queued} under the lock, so their order is the order of the state
 * changes, and run by {@link #deliverCallbacks()} after the lock is released, one at a time,
 * by whichever event thread (the receiving thread or the scheduler's) gets there first. Calls
 * made by the TU hand delivery to the scheduler instead ({@link #deliverCallbacksLater()}) so the
 * TU is never re-entered from its own call; so do send failures ({@link #watch}).
 */
abstract sealed class Transaction permits ServerTransaction, ClientTransaction {

    enum Timer { A, B, C, D, E, F, G, H, I, J, K, L, M, TRYING, CANCEL_GUARD, WATCHDOG }

    private static final int TIMER_COUNT = Timer.values().length;

    final TransactionLayer layer;
    final Object lock = new Object();
    private volatile TransactionState state;

    // guarded by lock
    private final TimerSlot[] timers = new TimerSlot[TIMER_COUNT];
    private ArrayDeque<Runnable> callbacks;
    private boolean delivering;
    private volatile Object attachment;

    Transaction(TransactionLayer layer, TransactionState initial) {
        this.layer = layer;
        this.state = initial;
    }

    /** The current state; a snapshot, since other threads may change it at any moment. */
    public final TransactionState state() {
        return state;
    }

    final void setState(TransactionState s) {
        state = s;
    }

    // ---- timers ----

    private static final class TimerSlot implements Runnable {
        final Transaction tx;
        final Timer timer;
        TransactionScheduler.Cancellable handle;

        TimerSlot(Transaction tx, Timer timer) {
            this.tx = tx;
            this.timer = timer;
        }

        @Override
        public void run() {
            tx.fire(this);
        }
    }

    /** (Re)starts {@code t} to fire after {@code delayNanos}. Under lock. */
    /** Starts a wait timer (D, I, J, K), or terminates at once when it is zero (reliable transports, §17). */
    final void startTimerOrTerminate(Timer t, long delayNanos) {
        if (delayNanos == 0) {
            terminate();
        } else {
            startTimer(t, delayNanos);
        }
    }

    final void startTimer(Timer t, long delayNanos) {
        cancelTimer(t);
        TimerSlot slot = new TimerSlot(this, t);
        timers[t.ordinal()] = slot;
        slot.handle = layer.schedule(slot, Math.max(0, delayNanos));
    }

    /**
     * (Re)starts {@code t} to fire at the {@link System#nanoTime()} {@code deadline}. Retransmission
     * timers chain from deadline to deadline, so scheduling latency never accumulates and a
     * retransmission due before the timeout always goes out before it. Under lock.
     */
    final void startTimerAt(Timer t, long deadline) {
        startTimer(t, deadline - System.nanoTime());
    }

    final boolean timerRunning(Timer t) {
        return timers[t.ordinal()] != null;
    }

    /** Under lock. */
    final void cancelTimer(Timer t) {
        TimerSlot s = timers[t.ordinal()];
        if (s != null) {
            timers[t.ordinal()] = null;
            if (s.handle != null) s.handle.cancel();
        }
    }

    private void cancelAllTimers() {
        for (int i = 0; i < TIMER_COUNT; i++) {
            TimerSlot s = timers[i];
            if (s != null) {
                timers[i] = null;
                if (s.handle != null) s.handle.cancel();
            }
        }
    }

    private void fire(TimerSlot slot) {
        synchronized (lock) {
            // A timer cancelled or restarted after it was already queued to run must do nothing.
            if (timers[slot.timer.ordinal()] != slot) return;
            timers[slot.timer.ordinal()] = null;
            if (state == TransactionState.TERMINATED) return;
            onTimer(slot.timer);
        }
        deliverCallbacks();
    }

    /** A timer fired in a non-terminated state. Under lock. */
    abstract void onTimer(Timer t);

    // ---- callbacks ----

    /** Queues a callback for delivery outside the lock, in order. Under lock. */
    final void enqueue(Runnable callback) {
        if (callbacks == null) callbacks = new ArrayDeque<>(4);
        callbacks.add(callback);
    }

    /** Runs queued callbacks on this thread unless another thread already is. Never under lock. */
    final void deliverCallbacks() {
        synchronized (lock) {
            if (delivering || callbacks == null || callbacks.isEmpty()) return;
            delivering = true;
        }
        boolean done = false;
        try {
            for (;;) {
                Runnable r;
                synchronized (lock) {
                    r = callbacks.poll();
                    if (r == null) {
                        delivering = false;
                        done = true;
                        return;
                    }
                }
                layer.runCallback(r);
            }
        } finally {
            if (!done) {
                synchronized (lock) {
                    delivering = false;
                }
            }
        }
    }

    /** After a call made by the TU: delivers what it queued on a scheduler thread. Never under lock. */
    final void deliverCallbacksLater() {
        boolean pending;
        synchronized (lock) {
            pending = !delivering && callbacks != null && !callbacks.isEmpty();
        }
        if (pending) layer.execute(this::deliverCallbacks);
    }

    // ---- sending ----

    /**
     * Watches a send: a failure is reported to the state machine (§17.1.4, §17.2.4) on a scheduler
     * thread. Never inline: the future may complete on a thread that holds this or another
     * transaction's lock (a synchronous failure, or an event loop failing several writes at
     * once), and taking our lock there could nest transaction locks.
     */
    final void watch(CompletableFuture<Flow> sent, SipMessage message) {
        sent.whenComplete((flow, error) -> {
            if (error == null) {
                if (flow != null) flowUsed(flow);
            } else {
                Throwable cause = unwrap(error);
                layer.execute(() -> transportFailed(cause, message));
            }
        });
    }

    final void transportFailed(Throwable cause, SipMessage message) {
        synchronized (lock) {
            if (state == TransactionState.TERMINATED) return;
            onTransportFailure(cause, message);
        }
        deliverCallbacks();
    }

    /** Sending {@code message} failed. Under lock, in a non-terminated state. */
    abstract void onTransportFailure(Throwable cause, SipMessage message);

    /** The transport reported the flow a message actually went over. Any thread. */
    void flowUsed(Flow flow) {}

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
        return t;
    }

    // ---- termination ----

    /** Moves to Terminated: stops every timer, forgets the transaction, queues the last callback. Under lock. */
    final void terminate() {
        if (state == TransactionState.TERMINATED) return;
        state = TransactionState.TERMINATED;
        cancelAllTimers();
        layer.forget(this);
        enqueue(this::notifyTerminated);
    }

    /** Layer shutdown: stops every timer, no callbacks. */
    final void abandon() {
        synchronized (lock) {
            state = TransactionState.TERMINATED;
            cancelAllTimers();
            if (callbacks != null) callbacks.clear();
        }
    }

    /** The last callback. Runs outside the lock. */
    abstract void notifyTerminated();

    /** Attaches the transaction user's context (e.g. a proxy's response context) to this transaction. */
    public void attach(Object context) {
        this.attachment = context;
    }

    /** The context {@link #attach attached} by the transaction user, or null. */
    public Object attachment() {
        return attachment;
    }
}

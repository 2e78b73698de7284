package io.sipwake.sip.transaction;

import io.sipwake.sip.message.SipResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link ClientTransactionListener} that records every callback, with the thread it came on. */
final class RecordingListener implements ClientTransactionListener {
    final List<SipResponse> responses = new CopyOnWriteArrayList<>();
    final AtomicInteger timeouts = new AtomicInteger();
    final List<Throwable> transportErrors = new CopyOnWriteArrayList<>();
    final AtomicInteger terminated = new AtomicInteger();
    final AtomicInteger timerC = new AtomicInteger();
    /** "response 180", "timeout", "transport-error", "terminated", "timer-c", in order. */
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Thread> callbackThreads = new CopyOnWriteArrayList<>();
    private final boolean cancelOnTimerC;

    RecordingListener() {
        this(true);
    }

    RecordingListener(boolean cancelOnTimerC) {
        this.cancelOnTimerC = cancelOnTimerC;
    }

    @Override
    public void onResponse(ClientTransaction tx, SipResponse response) {
        callbackThreads.add(Thread.currentThread());
        responses.add(response);
        events.add("response " + response.status());
    }

    @Override
    public void onTimeout(ClientTransaction tx) {
        callbackThreads.add(Thread.currentThread());
        timeouts.incrementAndGet();
        events.add("timeout");
    }

    @Override
    public void onTransportError(ClientTransaction tx, Throwable cause) {
        callbackThreads.add(Thread.currentThread());
        transportErrors.add(cause);
        events.add("transport-error");
    }

    @Override
    public void onTerminated(ClientTransaction tx) {
        callbackThreads.add(Thread.currentThread());
        terminated.incrementAndGet();
        events.add("terminated");
    }

    @Override
    public void onTimerC(ClientTransaction tx) {
        callbackThreads.add(Thread.currentThread());
        timerC.incrementAndGet();
        events.add("timer-c");
        if (cancelOnTimerC) ClientTransactionListener.super.onTimerC(tx);
    }
}

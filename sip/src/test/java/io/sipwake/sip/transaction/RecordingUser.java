package io.sipwake.sip.transaction;

import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.transport.Flow;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/** A {@link TransactionUser} that records every callback, with the thread it came on. */
final class RecordingUser implements TransactionUser {
    final List<ServerTransaction> requests = new CopyOnWriteArrayList<>();
    final List<SipRequest> acks = new CopyOnWriteArrayList<>();
    final List<SipResponse> strays = new CopyOnWriteArrayList<>();
    final List<ServerTransaction> timeouts = new CopyOnWriteArrayList<>();
    final List<Throwable> transportErrors = new CopyOnWriteArrayList<>();
    final List<ServerTransaction> terminated = new CopyOnWriteArrayList<>();
    /** "request INVITE", "ack", "stray 200", "timeout", "transport-error", "terminated", in order. */
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Thread> callbackThreads = new CopyOnWriteArrayList<>();
    /** What to do with a new server transaction (default: nothing). */
    volatile BiConsumer<ServerTransaction, SipRequest> onRequest = (tx, r) -> {};

    @Override
    public void onRequest(ServerTransaction tx, SipRequest request) {
        callbackThreads.add(Thread.currentThread());
        requests.add(tx);
        events.add("request " + request.method());
        onRequest.accept(tx, request);
    }

    @Override
    public void onAck(SipRequest ack, Flow source) {
        callbackThreads.add(Thread.currentThread());
        acks.add(ack);
        events.add("ack");
    }

    @Override
    public void onStrayResponse(SipResponse response, Flow source) {
        callbackThreads.add(Thread.currentThread());
        strays.add(response);
        events.add("stray " + response.status());
    }

    @Override
    public void onTransactionTimeout(ServerTransaction tx) {
        callbackThreads.add(Thread.currentThread());
        timeouts.add(tx);
        events.add("timeout");
    }

    @Override
    public void onTransportError(ServerTransaction tx, Throwable cause) {
        callbackThreads.add(Thread.currentThread());
        transportErrors.add(cause);
        events.add("transport-error");
    }

    @Override
    public void onServerTransactionTerminated(ServerTransaction tx) {
        callbackThreads.add(Thread.currentThread());
        terminated.add(tx);
        events.add("terminated");
    }
}

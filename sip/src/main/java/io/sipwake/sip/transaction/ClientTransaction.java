package io.sipwake.sip.transaction;

import io.sipwake.sip.message.HeaderNames;
import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.transport.Flow;
import io.sipwake.sip.transport.Transport;
import io.sipwake.sip.transport.TransportException;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client transaction (RFC 3261 §17.1): the INVITE machine of Figure 5 with RFC 6026's Accepted
 * state, or the non-INVITE machine of Figure 6. Created by {@link TransactionLayer#sendRequest}.
 *
 * <p>It retransmits the request over UDP (Timers A, E), gives up after 64*T1 (Timers B, F),
 * generates the ACK for a non-2xx final response to an INVITE (§17.1.1.3) and absorbs its
 * retransmissions (Timer D), passes every 2xx to the listener while Accepted (Timer M), reports
 * transport errors (§17.1.4), and can CANCEL itself (§9.1) and run Timer C (§16.6 step 11, §16.8).
 *
 * <p>Thread-safe. The request belongs to the transaction (it is retransmitted): do not change it
 * after {@link TransactionLayer#sendRequest}.
 */
public final class ClientTransaction extends Transaction {
    private static final Logger log = LoggerFactory.getLogger(ClientTransaction.class);

    private enum Cancel { NONE, PENDING, SENT }

    private final ClientKey key;
    private final SipRequest request;
    private final boolean invite;
    private final Transport transport;
    private final InetSocketAddress destination;
    private final Flow fixedFlow; // the flow passed to sendRequest, or null when sent to an address
    private final boolean reliable;
    private final ClientTransactionListener listener;

    private volatile Flow usedFlow;
    private volatile SipResponse lastResponse;

    // guarded by lock
    private SipRequest ack;
    private long rtxInterval;
    private long rtxDeadline;
    private Cancel cancelState = Cancel.NONE;
    private String cancelReason;

    ClientTransaction(TransactionLayer layer, ClientKey key, SipRequest request, Transport transport,
            InetSocketAddress destination, Flow fixedFlow, ClientTransactionListener listener) {
        super(layer, request.isMethod("INVITE") ? TransactionState.CALLING : TransactionState.TRYING);
        this.key = key;
        this.request = request;
        this.invite = request.isMethod("INVITE");
        this.transport = transport;
        this.destination = destination;
        this.fixedFlow = fixedFlow;
        this.usedFlow = fixedFlow;
        this.reliable = transport.isReliable();
        this.listener = listener;
    }

    // ---- public API ----

    public SipRequest request() {
        return request;
    }

    public String method() {
        return request.method();
    }

    public boolean isInvite() {
        return invite;
    }

    /** The branch of the request's top Via, which identifies the transaction with the method. */
    public String branch() {
        return key.branch();
    }

    public Transport transport() {
        return transport;
    }

    /** Where the request is sent: the remote end of the flow, or the address given to sendRequest. */
    public InetSocketAddress destination() {
        return destination;
    }

    /**
     * The flow the request went over: the one given to sendRequest, else the one the transport
     * reported once the first send completed. Until then, a flow naming the destination with
     * connection id 0 ("any connection to it"), so a CANCEL or ACK can always be sent "to the same
     * address, port, and transport" (§9.1, §17.1.1.3). Never null.
     */
    public Flow flow() {
        Flow f = usedFlow;
        return f != null ? f : new Flow(transport, null, destination, 0);
    }

    /** The last response passed to the listener, or null. */
    public SipResponse lastResponse() {
        return lastResponse;
    }

    public ClientTransactionListener listener() {
        return listener;
    }


    /** Same as {@link #cancel(String) cancel(null)}. */
    public boolean cancel() {
        return cancel(null);
    }

    /**
     * Cancels this INVITE as RFC 3261 §9.1 says: a CANCEL with the same Request-URI, Call-ID,
     * From, To, CSeq number, top Via (same branch) and Route headers is sent to the same
     * destination, as its own non-INVITE client transaction, at once if a provisional response
     * has arrived, else as soon as one does (a CANCEL must not be sent before; none is sent if a
     * final response comes first). If no final response arrives within 64*T1 of the CANCEL, the
     * listener gets {@link ClientTransactionListener#onTimeout} (§9.1). Idempotent.
     *
     * @param reason the value of a Reason header (RFC 3326) to add, or null
     * @return false when this is not an INVITE, it already has a final response or has ended, or
     *     a CANCEL was already sent or requested
     */
    public boolean cancel(String reason) {
        if (!invite) return false;
        boolean now;
        synchronized (lock) {
            if (cancelState != Cancel.NONE) return false;
            TransactionState s = state();
            if (s == TransactionState.PROCEEDING) {
                cancelState = Cancel.SENT;
                now = true;
            } else if (s == TransactionState.CALLING) {
                cancelState = Cancel.PENDING;
                now = false;
            } else {
                return false;
            }
            cancelReason = reason;
        }
        if (now) sendCancel();
        return true;
    }

    /** True once {@link #cancel} was called (or a CANCEL for this INVITE was sent through the layer). */
    public boolean isCancelRequested() {
        synchronized (lock) {
            return cancelState != Cancel.NONE;
        }
    }

    /** The CANCEL for this request (§9.1), with an optional Reason header value. */
    public SipRequest createCancel(String reason) {
        SipRequest c = new SipRequest("CANCEL", request.requestUri(), List.of());
        copyHopHeaders(c);
        c.addHeader(HeaderNames.TO, request.header(HeaderNames.TO));
        c.addHeader(HeaderNames.CALL_ID, request.callId());
        c.addHeader(HeaderNames.CSEQ, request.cseq().number() + " CANCEL");
        if (reason != null) c.addHeader(HeaderNames.REASON, reason);
        return c;
    }

    // ---- state machines ----

    /** Sends the request and starts the timers. Called once, by the layer, on the TU's thread. */
    void start() {
        synchronized (lock) {
            long now = System.nanoTime();
            transmit(request);
            if (!reliable) { // §17.1.1.2, §17.1.2.2: no retransmissions over reliable transports
                rtxInterval = layer.t1;
                rtxDeadline = now + rtxInterval;
                startTimerAt(invite ? Timer.A : Timer.E, rtxDeadline);
            }
            startTimerAt(invite ? Timer.B : Timer.F, now + layer.timer64T1);
            if (invite && layer.timerC > 0) startTimer(Timer.C, layer.timerC);
        }
        deliverCallbacksLater();
    }

    /** A response matched to this transaction; false when the transaction had already ended (then it is stray). */
    boolean receiveResponse(SipResponse r) {
        synchronized (lock) {
            TransactionState s = state();
            if (s == TransactionState.TERMINATED) return false;
            if (invite) {
                inviteResponse(r, s);
            } else {
                nonInviteResponse(r, s);
            }
        }
        deliverCallbacks();
        return true;
    }

    private void inviteResponse(SipResponse r, TransactionState s) {
        int status = r.status();
        switch (s) {
            case CALLING:
            case PROCEEDING:
                lastResponse = r;
                if (status < 200) {
                    if (s == TransactionState.CALLING) {
                        setState(TransactionState.PROCEEDING);
                        cancelTimer(Timer.A);
                        cancelTimer(Timer.B);
                    }
                    // §16.7 step 2: provisional responses other than 100 reset Timer C
                    if (status > 100 && layer.timerC > 0 && cancelState == Cancel.NONE) startTimer(Timer.C, layer.timerC);
                    enqueue(() -> listener.onResponse(this, r));
                    if (cancelState == Cancel.PENDING) {
                        cancelState = Cancel.SENT;
                        enqueue(this::sendCancel);
                    }
                    return;
                }
                cancelTimer(Timer.A);
                cancelTimer(Timer.B);
                cancelTimer(Timer.C);
                cancelTimer(Timer.CANCEL_GUARD);
                enqueue(() -> listener.onResponse(this, r));
                if (status < 300) {
                    setState(TransactionState.ACCEPTED); // RFC 6026 §8.4
                    startTimer(Timer.M, layer.timer64T1);
                } else {
                    setState(TransactionState.COMPLETED);
                    ack = createAck(r);
                    transmit(ack);
                    startTimerOrTerminate(Timer.D, layer.timerD(reliable));
                }
                return;
            case COMPLETED:
                if (status >= 300) transmit(ack); // §17.1.1.2: retransmitted final, ACK again, not to the TU
                return;
            case ACCEPTED:
                if (status >= 200 && status < 300) { // RFC 6026 §8.4: every 2xx goes to the TU
                    lastResponse = r;
                    enqueue(() -> listener.onResponse(this, r));
                }
                return;
            default:
        }
    }

    private void nonInviteResponse(SipResponse r, TransactionState s) {
        if (s != TransactionState.TRYING && s != TransactionState.PROCEEDING) return; // Completed: absorbed
        lastResponse = r;
        enqueue(() -> listener.onResponse(this, r));
        if (r.status() < 200) {
            setState(TransactionState.PROCEEDING);
            return;
        }
        setState(TransactionState.COMPLETED);
        cancelTimer(Timer.E);
        cancelTimer(Timer.F);
        startTimerOrTerminate(Timer.K, layer.timerK(reliable));
    }

    @Override
    void onTimer(Timer t) {
        TransactionState s = state();
        switch (t) {
            case A:
                if (s == TransactionState.CALLING) {
                    transmit(request);
                    rtxInterval *= 2;
                    rtxDeadline += rtxInterval;
                    startTimerAt(Timer.A, rtxDeadline);
                }
                break;
            case E:
                if (s == TransactionState.TRYING || s == TransactionState.PROCEEDING) {
                    transmit(request);
                    rtxInterval = s == TransactionState.PROCEEDING ? layer.t2 : Math.min(2 * rtxInterval, layer.t2);
                    rtxDeadline += rtxInterval;
                    startTimerAt(Timer.E, rtxDeadline);
                }
                break;
            case B:
            case F:
            case CANCEL_GUARD:
                if (s == TransactionState.CALLING || s == TransactionState.TRYING || s == TransactionState.PROCEEDING) {
                    enqueue(() -> listener.onTimeout(this));
                    terminate();
                }
                break;
            case C:
                if (s == TransactionState.CALLING || s == TransactionState.PROCEEDING) {
                    enqueue(() -> listener.onTimerC(this));
                }
                break;
            case D:
            case K:
            case M:
                terminate();
                break;
            default:
                break;
        }
    }

    @Override
    void onTransportFailure(Throwable cause, SipMessage message) {
        switch (state()) {
            case CALLING:
            case TRYING:
            case PROCEEDING:
                log.debug("{}: transport error: {}", this, cause.toString());
                enqueue(() -> listener.onTransportError(this, cause));
                terminate();
                break;
            case COMPLETED:
                // The ACK could not be sent. The listener already has the final response, which is
                // all it can act on; the transaction just ends (Figure 5, Completed -> Terminated).
                if (message == ack) terminate();
                break;
            default:
                break;
        }
    }

    /** The connection this transaction's request went over closed before the final response. */
    void flowClosed(Flow closed) {
        transportFailed(new TransportException("connection closed before the final response: " + closed), request);
    }

    @Override
    void flowUsed(Flow flow) {
        if (usedFlow == null) usedFlow = flow;
    }

    /** The flow actually used, or null while not known yet. */
    Flow knownFlow() {
        return usedFlow;
    }

    /** The layer saw a CANCEL for this INVITE go out: stop Timer C, start the §9.1 guard. */
    void cancelSent() {
        synchronized (lock) {
            TransactionState s = state();
            if (s != TransactionState.CALLING && s != TransactionState.PROCEEDING) return;
            cancelState = Cancel.SENT;
            cancelTimer(Timer.C);
            if (!timerRunning(Timer.CANCEL_GUARD)) startTimer(Timer.CANCEL_GUARD, layer.timer64T1);
        }
    }

    @Override
    void notifyTerminated() {
        listener.onTerminated(this);
    }

    private void sendCancel() {
        String reason;
        synchronized (lock) {
            TransactionState s = state();
            if (s != TransactionState.CALLING && s != TransactionState.PROCEEDING) return;
            reason = cancelReason;
        }
        try {
            SipRequest c = createCancel(reason);
            if (fixedFlow != null) {
                layer.sendRequest(c, fixedFlow, CancelListener.INSTANCE);
            } else {
                layer.sendRequest(c, transport, destination, CancelListener.INSTANCE);
            }
        } catch (RuntimeException e) {
            log.warn("{}: could not send CANCEL: {}", this, e.toString());
        }
    }

    private void transmit(SipRequest r) {
        watch(fixedFlow != null ? layer.send(r, fixedFlow) : layer.send(r, transport, destination), r);
    }

    /** §17.1.1.3: the ACK for a non-2xx final response, part of this transaction. */
    SipRequest createAck(SipResponse response) {
        SipRequest a = new SipRequest("ACK", request.requestUri(), List.of());
        copyHopHeaders(a);
        a.addHeader(HeaderNames.TO, response.header(HeaderNames.TO));
        a.addHeader(HeaderNames.CALL_ID, request.callId());
        a.addHeader(HeaderNames.CSEQ, request.cseq().number() + " ACK");
        return a;
    }

    /** The single top Via, the Route headers, Max-Forwards and From of the request (§9.1, §17.1.1.3). */
    private void copyHopHeaders(SipRequest to) {
        to.addHeader(HeaderNames.VIA, request.headerValues(HeaderNames.VIA).get(0));
        for (String route : request.headerValues(HeaderNames.ROUTE)) to.addHeader(HeaderNames.ROUTE, route);
        String mf = request.header(HeaderNames.MAX_FORWARDS);
        to.addHeader(HeaderNames.MAX_FORWARDS, mf != null ? mf : "70");
        to.addHeader(HeaderNames.FROM, request.header(HeaderNames.FROM));
    }

    ClientKey key() {
        return key;
    }

    @Override
    public String toString() {
        return "ClientTransaction[" + request.method() + " " + key.branch() + " " + state() + " " + transport + " " + destination + "]";
    }

    /** Listener of the CANCEL transactions {@link #cancel} creates: their outcome changes nothing. */
    private static final class CancelListener implements ClientTransactionListener {
        static final CancelListener INSTANCE = new CancelListener();

        @Override
        public void onResponse(ClientTransaction tx, SipResponse response) {}

        @Override
        public void onTimeout(ClientTransaction tx) {
            log.debug("{}: no response to CANCEL", tx);
        }

        @Override
        public void onTransportError(ClientTransaction tx, Throwable cause) {
            log.debug("{}: CANCEL not sent: {}", tx, cause.toString());
        }
    }
}

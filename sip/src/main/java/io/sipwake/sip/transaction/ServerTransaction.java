package io.sipwake.sip.transaction;

import io.sipwake.sip.message.CSeq;
import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.message.Via;
import io.sipwake.sip.transport.Flow;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server transaction (RFC 3261 §17.2): the INVITE machine of Figure 7 with RFC 6026's Accepted
 * state, or the non-INVITE machine of Figure 8. Created by the {@link TransactionLayer} for each
 * new request and handed to {@link TransactionUser#onRequest}.
 *
 * <p>It absorbs request retransmissions and replays the last provisional or final response
 * (§17.2.1, §17.2.2), retransmits a non-2xx final response to an INVITE over UDP until the ACK
 * arrives (Timer G) or Timer H gives up, absorbs that ACK, passes 2xx responses the TU sends
 * while Accepted to the transport and ACKs that match it in that state to the TU (RFC 6026 §8.7).
 *
 * <p>Thread-safe: {@link #sendResponse} may be called from any thread. The request is shared
 * with the TU and must be treated as read-only.
 */
public final class ServerTransaction extends Transaction {
    private static final Logger log = LoggerFactory.getLogger(ServerTransaction.class);

    private final ServerKey key; // null when matched by the RFC 2543 rules
    private final SipRequest request;
    private final Flow flow;
    private final String method;
    private final boolean invite;
    private final boolean reliable;

    // RFC 2543 matching (§17.2.3), extracted once on the receiving thread; null for RFC 3261 transactions
    private final String callId;
    private final long cseqNumber;
    private final String fromTag;
    private final String toTag;
    private final String requestUri;
    private final String topVia;

    // guarded by lock
    private SipResponse lastProvisional;
    private SipResponse lastFinal;
    private long gInterval;
    private long gDeadline;

    private volatile SipResponse lastResponse;
    private volatile String finalToTag; // To tag of the final response, for RFC 2543 ACK matching

    ServerTransaction(TransactionLayer layer, ServerKey key, SipRequest request, Flow flow) {
        super(layer, request.isMethod("INVITE") ? TransactionState.PROCEEDING : TransactionState.TRYING);
        this.key = key;
        this.request = request;
        this.flow = flow;
        this.method = request.method();
        this.invite = request.isMethod("INVITE");
        this.reliable = flow.transport().isReliable();
        if (key == null) {
            CSeq cseq = request.cseq();
            this.callId = request.callId();
            this.cseqNumber = cseq.number();
            this.fromTag = request.from().tag();
            this.toTag = request.to().tag();
            this.requestUri = String.valueOf(request.requestUri());
            this.topVia = request.topVia().toString();
        } else {
            this.callId = null;
            this.cseqNumber = -1;
            this.fromTag = null;
            this.toTag = null;
            this.requestUri = null;
            this.topVia = null;
        }
    }

    // ---- public API ----

    /** The request that created the transaction. Read-only: {@link SipRequest#copy()} it before changing it. */
    public SipRequest request() {
        return request;
    }

    /** The flow the request arrived on; responses go back over it (§18.2.2 fallbacks are the transport's). */
    public Flow flow() {
        return flow;
    }

    public String method() {
        return method;
    }

    public boolean isInvite() {
        return invite;
    }

    /** The top Via branch of the request; for RFC 2543 requests whatever branch it had, possibly null. */
    public String branch() {
        return key != null ? key.branch() : request.topVia().branch();
    }

    /** True when the request had no RFC 3261 branch and is matched by the RFC 2543 rules of §17.2.3. */
    public boolean isRfc2543() {
        return key == null;
    }

    /** The last response sent (provisional or final, including an automatic 100), or null. */
    public SipResponse lastResponse() {
        return lastResponse;
    }


    /**
     * Sends a response through the transaction and moves its state machine (§17.2.1, §17.2.2):
     * provisional responses until a final one; then, for an INVITE answered with a 2xx, further 2xx
     * responses (the TU's retransmissions, other forks' 2xx) while Accepted (RFC 6026). Anything
     * else is refused and not sent. The response belongs to the transaction afterwards (it is
     * replayed on request retransmissions): do not change it.
     *
     * <p>Never blocks and never calls the TU back on this thread; a transport failure arrives
     * later through {@link TransactionUser#onTransportError(ServerTransaction, Throwable)}.
     *
     * @return true when the response was passed to the transport
     */
    public boolean sendResponse(SipResponse response) {
        Objects.requireNonNull(response, "response");
        int status = response.status();
        if (status < 100 || status > 699) throw new IllegalArgumentException("bad status " + status);
        String tag = status >= 200 ? toTagOf(response) : null;
        boolean accepted;
        synchronized (lock) {
            accepted = invite ? inviteResponse(response, tag) : nonInviteResponse(response, tag);
        }
        if (!accepted) {
            log.debug("{}: {} response not sent in state {}", this, status, state());
        }
        deliverCallbacksLater();
        return accepted;
    }

    // ---- state machines (under lock) ----

    private boolean inviteResponse(SipResponse r, String tag) {
        int status = r.status();
        switch (state()) {
            case PROCEEDING:
                cancelTimer(Timer.TRYING);
                lastResponse = r;
                if (status < 200) {
                    lastProvisional = r;
                    transmit(r);
                    return true;
                }
                cancelTimer(Timer.WATCHDOG);
                finalToTag = tag;
                transmit(r);
                if (status < 300) {
                    setState(TransactionState.ACCEPTED); // RFC 6026 §8.7
                    startTimer(Timer.L, layer.timer64T1);
                } else {
                    lastFinal = r;
                    setState(TransactionState.COMPLETED);
                    long now = System.nanoTime();
                    if (!reliable) {
                        gInterval = layer.t1;
                        gDeadline = now + gInterval;
                        startTimerAt(Timer.G, gDeadline);
                    }
                    startTimerAt(Timer.H, now + layer.timer64T1);
                }
                return true;
            case ACCEPTED:
                if (status >= 200 && status < 300) {
                    lastResponse = r;
                    transmit(r);
                    return true;
                }
                return false;
            default:
                return false;
        }
    }

    private boolean nonInviteResponse(SipResponse r, String tag) {
        switch (state()) {
            case TRYING:
            case PROCEEDING:
                lastResponse = r;
                transmit(r);
                if (r.status() < 200) {
                    lastProvisional = r;
                    setState(TransactionState.PROCEEDING);
                } else {
                    lastFinal = r;
                    finalToTag = tag;
                    cancelTimer(Timer.WATCHDOG);
                    setState(TransactionState.COMPLETED);
                    startTimerOrTerminate(Timer.J, layer.timerJ(reliable));
                }
                return true;
            default:
                return false;
        }
    }

    /** Starts the machine and hands the request to the TU. Called once, on the receiving thread. */
    void start() {
        synchronized (lock) {
            if (invite && layer.sendTrying) startTimer(Timer.TRYING, TransactionLayer.TRYING_DELAY_NANOS);
            long watchdog = invite ? layer.watchdogInvite : layer.watchdogNonInvite;
            if (watchdog > 0) startTimer(Timer.WATCHDOG, watchdog);
            enqueue(() -> layer.user().onRequest(this, request));
        }
        deliverCallbacks();
    }

    /** A retransmission of the request (§17.2.1, §17.2.2). */
    void receiveRetransmission() {
        synchronized (lock) {
            SipResponse replay;
            switch (state()) {
                case PROCEEDING:
                    replay = lastProvisional; // null when none was sent yet: absorbed
                    break;
                case COMPLETED:
                    replay = lastFinal;
                    break;
                default:
                    replay = null; // Trying, Confirmed, Accepted (RFC 6026): absorbed
            }
            if (replay != null) transmit(replay);
        }
        deliverCallbacks();
    }

    /** An ACK that matched this INVITE transaction; false when the transaction had just ended. */
    boolean receiveAck(SipRequest ack, Flow source) {
        synchronized (lock) {
            switch (state()) {
                case TERMINATED:
                    return false;
                case COMPLETED:
                    setState(TransactionState.CONFIRMED);
                    cancelTimer(Timer.G);
                    cancelTimer(Timer.H);
                    startTimerOrTerminate(Timer.I, layer.timerI(reliable));
                    break;
                case ACCEPTED:
                    enqueue(() -> layer.user().onAck(ack, source));
                    break;
                case CONFIRMED:
                    break; // ACK retransmission: absorbed
                default:
                    log.debug("{}: ignoring ACK in state {}", this, state());
            }
        }
        deliverCallbacks();
        return true;
    }

    @Override
    void onTimer(Timer t) {
        TransactionState s = state();
        switch (t) {
            case TRYING:
                if (s == TransactionState.PROCEEDING && lastProvisional == null) {
                    SipResponse trying = request.createResponse(100, null, null);
                    String timestamp = request.header("Timestamp");
                    if (timestamp != null) trying.addHeader("Timestamp", timestamp); // §8.2.6.1
                    lastProvisional = trying;
                    lastResponse = trying;
                    transmit(trying);
                }
                break;
            case G:
                if (s == TransactionState.COMPLETED) {
                    transmit(lastFinal);
                    gInterval = Math.min(2 * gInterval, layer.t2);
                    gDeadline += gInterval;
                    startTimerAt(Timer.G, gDeadline);
                }
                break;
            case H:
                if (s == TransactionState.COMPLETED) {
                    enqueue(() -> layer.user().onTransactionTimeout(this));
                    terminate();
                }
                break;
            case I:
            case J:
            case L:
                terminate();
                break;
            case WATCHDOG:
                if (s == TransactionState.TRYING || s == TransactionState.PROCEEDING) {
                    log.warn("{}: the transaction user sent no final response; forgetting the transaction", this);
                    terminate();
                }
                break;
            default:
                break;
        }
    }

    @Override
    void onTransportFailure(Throwable cause, SipMessage message) {
        log.debug("{}: transport error: {}", this, cause.toString());
        enqueue(() -> layer.user().onTransportError(this, cause));
        terminate();
    }

    @Override
    void notifyTerminated() {
        layer.user().onServerTransactionTerminated(this);
    }

    private void transmit(SipResponse r) {
        watch(layer.sendResponse(r, flow), r);
    }

    // ---- matching ----

    ServerKey key() {
        return key;
    }

    String callId() {
        return callId;
    }

    /** RFC 2543 matching of a non-ACK request (§17.2.3): Request-URI, tags, Call-ID, CSeq, top Via. */
    boolean matches2543(String uri, String reqToTag, String reqFromTag, String reqCallId, CSeq cseq, Via via) {
        return cseq.number() == cseqNumber && cseq.method().equals(method) && matchesCommon2543(uri, reqFromTag, reqCallId, via)
                && Objects.equals(reqToTag, toTag);
    }

    /** RFC 2543 matching of an ACK: as the INVITE, but its To tag is the one of our final response. */
    boolean matchesAck2543(String uri, String ackToTag, String reqFromTag, String reqCallId, CSeq cseq, Via via) {
        return invite && cseq.number() == cseqNumber && matchesCommon2543(uri, reqFromTag, reqCallId, via)
                && Objects.equals(ackToTag, finalToTag);
    }

    /** §9.2 for RFC 2543 requests: the CANCEL matches the INVITE by the same rules, the method aside. */
    boolean matchesCancel2543(String uri, String reqToTag, String reqFromTag, String reqCallId, CSeq cseq, Via via) {
        return invite && cseq.number() == cseqNumber && matchesCommon2543(uri, reqFromTag, reqCallId, via)
                && Objects.equals(reqToTag, toTag);
    }

    private boolean matchesCommon2543(String uri, String reqFromTag, String reqCallId, Via via) {
        return callId.equals(reqCallId) && Objects.equals(reqFromTag, fromTag) && requestUri.equals(uri)
                && topVia.equalsIgnoreCase(via.toString());
    }

    private static String toTagOf(SipResponse r) {
        try {
            return r.to().tag();
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "ServerTransaction[" + method + " " + (key != null ? key.branch() : "rfc2543 " + callId) + " " + state() + " " + flow + "]";
    }
}

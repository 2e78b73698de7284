package io.sipwake.proxy.routing;

import io.sipwake.proxy.push.PushParameters;
import io.sipwake.sip.message.HeaderNames;
import io.sipwake.sip.message.NameAddress;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.transaction.ClientTransaction;
import io.sipwake.sip.transaction.ClientTransactionListener;
import io.sipwake.sip.transaction.ServerTransaction;
import java.util.ArrayList;
import java.util.List;

/**
 * The response context of RFC 3261 §16.7 for one proxied request: its server transaction, the
 * branches forked from it, and the choice of the response to send back.
 *
 * <ul>
 *   <li>provisional responses (except 100) and every 2xx are forwarded at once;
 *   <li>the first 2xx or a 6xx to an INVITE cancels every other pending branch (§16.7 step 10),
 *       with {@code Reason: SIP;cause=200;text="Call completed elsewhere"} after a 2xx;
 *   <li>other final responses are collected, and when every branch has ended the best one is sent
 *       (§16.7 step 6): a 6xx, else the lowest class, with 503 sent as 500, 408 when nothing answered,
 *       and the challenges of all 401/407 responses merged (§16.7 step 7).
 * </ul>
 *
 * <p>Thread-safe: responses of several branches can arrive on different threads; every state
 * change happens under this object's lock, and messages are sent after it is released.
 */
public final class ResponseContext {
    /** The Reason a proxy adds to the CANCELs it sends after a 2xx (RFC 3326, as in RFC 8599 deployments). */
    public static final String COMPLETED_ELSEWHERE = "SIP;cause=200;text=\"Call completed elsewhere\"";

    private final ServerTransaction server;
    private final SipRequest original;
    private final boolean invite;
    private final List<Branch> branches = new ArrayList<>();
    /** To tag of the responses this proxy makes up itself (RFC 3261 §8.2.6.2: every final response has one). */
    private final String localTag = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
    private SipResponse best;
    private boolean finalSent;
    private boolean cancelled;
    private boolean closedForBranches;
    private volatile java.util.function.Consumer<SipResponse> observer = r -> {};
    /** Set when nobody waits for the answers any more: a 2xx then goes here instead of upstream. */
    private volatile OrphanAnswer orphanAnswer;

    /** Receives a 2xx nobody waits for (see {@link #onOrphanAnswer}). */
    public interface OrphanAnswer {
        /** {@code tx} is the branch's transaction: the response may come before the branch is bound to it. */
        void answered(Branch branch, ClientTransaction tx, SipResponse ok);
    }

    public ResponseContext(ServerTransaction server, SipRequest original) {
        this.server = server;
        this.original = original;
        this.invite = original.isMethod("INVITE");
    }

    /** Tells {@code observer} of each response sent upstream (for metrics); must not block. Returns this. */
    public ResponseContext observeResponses(java.util.function.Consumer<SipResponse> observer) {
        this.observer = observer;
        return this;
    }

    /**
     * For a request whose caller is gone (a late push phone's INVITE, sent only to be cancelled): a 2xx that
     * still comes, because the phone answered before the CANCEL reached it, goes to {@code handler} (which must
     * end the dialog the answer created) instead of upstream. Returns this.
     */
    public ResponseContext onOrphanAnswer(OrphanAnswer handler) {
        this.orphanAnswer = handler;
        return this;
    }

    public SipRequest original() {
        return original;
    }

    public ServerTransaction server() {
        return server;
    }

    /** One forwarded copy of the request. */
    public final class Branch implements ClientTransactionListener {
        private SipRequest request;
        private ClientTransaction transaction;
        private boolean done;
        private String cancelWith; // non-null once the branch must be cancelled
        private java.util.function.Consumer<String> onAbandon; // set while the branch waits for a device to wake (RFC 8599 bucket)

        private Branch(SipRequest request) {
            this.request = request;
        }

        /**
         * Marks the branch as waiting for a pushed device to come back (RFC 8599 §5.2): it has no
         * transaction yet. If the call ends meanwhile (CANCEL, an answer elsewhere, a 6xx), the
         * branch ends without a response and {@code onAbandon} runs (outside any lock) so the held
         * request can leave the bucket.
         *
         * @return false when the call ended between {@link #newBranch} and this call (a CANCEL or
         *     an answer elsewhere came in meanwhile): the branch is then over, and nothing is held
         */
        public boolean hold(java.util.function.Consumer<String> onAbandon) {
            SipResponse toSend;
            synchronized (ResponseContext.this) {
                if (!done && cancelWith == null) {
                    this.onAbandon = onAbandon;
                    return true;
                }
                done = true;
                toSend = finalIfAllDone();
            }
            send(toSend);
            return false;
        }

        /** This branch, now carrying the request it is forwarded with (a held request released from the bucket). */
        public Branch withRequest(SipRequest forwarded) {
            synchronized (ResponseContext.this) {
                request = forwarded;
            }
            return this;
        }

        /** Ends a held branch that is now being forwarded; false when the call ended meanwhile. */
        public boolean release() {
            synchronized (ResponseContext.this) {
                if (done || cancelWith != null) return false;
                onAbandon = null;
                return true;
            }
        }

        /** True while the branch waits for its device. */
        public boolean isHeld() {
            synchronized (ResponseContext.this) {
                return onAbandon != null && !done;
            }
        }

        public SipRequest request() {
            return request;
        }

        /** The response context this branch belongs to. */
        public ResponseContext context() {
            return ResponseContext.this;
        }

        /** Binds the branch to its client transaction, cancelling it at once if the context was cancelled meanwhile. */
        public void bind(ClientTransaction tx) {
            String reason;
            synchronized (ResponseContext.this) {
                transaction = tx;
                reason = done ? null : cancelWith;
            }
            if (reason != null) tx.cancel(reason.isEmpty() ? null : reason);
        }

        @Override
        public void onResponse(ClientTransaction tx, SipResponse response) {
            handleResponse(this, tx, response);
        }

        @Override
        public void onTimeout(ClientTransaction tx) {
            handleBranchFailure(this, 408, "Request Timeout");
        }

        @Override
        public void onTransportError(ClientTransaction tx, Throwable cause) {
            // §16.7 step 6 / §16.9: a transport error counts as a 503 from that branch
            handleBranchFailure(this, 503, "Service Unavailable (" + cause.getMessage() + ")");
        }
    }

    /** Adds a branch, or returns null when the context is already final or cancelled. */
    public synchronized Branch newBranch(SipRequest forwarded) {
        if (finalSent || cancelled) return null;
        Branch b = new Branch(forwarded);
        branches.add(b);
        return b;
    }

    /** Declares that no more branches will be added: the best response may be sent once all have ended. */
    public void noMoreBranches() {
        SipResponse toSend;
        synchronized (this) {
            closedForBranches = true;
            toSend = finalIfAllDone();
        }
        send(toSend);
    }

    /** A branch that never got a transaction (e.g. its next hop did not resolve). */
    public void branchFailed(Branch b, int status, String reason) {
        handleBranchFailure(b, status, reason);
    }

    /** Answers the request directly (no branch was created, or all failed before sending). */
    public void respond(int status, String reason) {
        SipResponse r;
        synchronized (this) {
            if (finalSent) return;
            finalSent = true;
            r = original.createResponse(status, reason, localTag);
        }
        server.sendResponse(r);
        observer.accept(r);
    }

    /**
     * CANCEL of the request (§16.10): cancels every pending branch (the transaction layer holds a
     * branch's CANCEL until it has had a provisional response, §9.1). The 487s of the branches then
     * make the final response.
     */
    public void cancel(String reason) {
        List<ClientTransaction> toCancel;
        List<Runnable> abandoned = new ArrayList<>();
        SipResponse toSend = null;
        synchronized (this) {
            if (cancelled) return;
            cancelled = true;
            toCancel = pendingBranches(reason, abandoned);
            if (branches.isEmpty() && !finalSent) {
                finalSent = true;
                toSend = original.createResponse(487, null, localTag);
            } else {
                toSend = finalIfAllDone();
            }
        }
        abandoned.forEach(Runnable::run);
        cancelAll(toCancel, reason);
        send(toSend);
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }

    public synchronized boolean isFinal() {
        return finalSent;
    }

    private void handleResponse(Branch branch, ClientTransaction tx, SipResponse received) {
        int status = received.status();
        OrphanAnswer orphan = orphanAnswer;
        if (orphan != null && status >= 200 && status < 300) {
            synchronized (this) {
                if (branch.done) return; // a retransmission of the 2xx: the dialog is being ended already
                branch.done = true;
                finalSent = true;
            }
            orphan.answered(branch, tx, received);
            return;
        }
        SipResponse response = received.copy();
        response.removeFirstValue(HeaderNames.VIA); // §16.7 step 3: our Via goes
        if (response.header(HeaderNames.VIA) == null) return; // it was addressed to us, not to forward
        PushParameters.stripFromContacts(response); // RFC 8599 §13, even from a phone's own 200 (Linphone Android 5.0)
        List<ClientTransaction> toCancel = List.of();
        List<Runnable> abandoned = new ArrayList<>();
        String reason = null;
        SipResponse toSend = null;
        synchronized (this) {
            if (status < 200) {
                if (status > 100 && !finalSent) toSend = response;
            } else if (status < 300) {
                branch.done = true;
                finalSent = true;
                toSend = response; // every 2xx is forwarded, even after another branch's 2xx (§16.7 step 5)
                if (invite) {
                    reason = COMPLETED_ELSEWHERE;
                    toCancel = pendingBranches(reason, abandoned);
                }
            } else {
                branch.done = true;
                if (!finalSent) {
                    if (status >= 600 && invite) toCancel = pendingBranches(null, abandoned); // §16.7 step 10
                    best = better(best, response);
                    toSend = finalIfAllDone();
                }
            }
        }
        abandoned.forEach(Runnable::run);
        cancelAll(toCancel, reason);
        send(toSend);
    }

    private void handleBranchFailure(Branch branch, int status, String reason) {
        SipResponse toSend;
        synchronized (this) {
            if (branch.done) return;
            branch.done = true;
            if (finalSent) return;
            best = better(best, original.createResponse(status, reason, localTag));
            toSend = finalIfAllDone();
        }
        send(toSend);
    }

    /**
     * Must hold the lock. Marks every unfinished branch for cancelling; returns those with a
     * transaction to cancel now. Held branches (devices still waking) end at once: their abandon
     * actions are added to {@code abandoned}.
     */
    private List<ClientTransaction> pendingBranches(String reason, List<Runnable> abandoned) {
        List<ClientTransaction> now = new ArrayList<>();
        for (Branch b : branches) {
            if (b.done || b.cancelWith != null) continue;
            b.cancelWith = reason == null ? "" : reason;
            if (b.transaction != null) {
                now.add(b.transaction);
            } else if (b.onAbandon != null) {
                b.done = true;
                java.util.function.Consumer<String> action = b.onAbandon;
                abandoned.add(() -> action.accept(reason)); // the Reason tells a missed call from one answered elsewhere
                b.onAbandon = null;
            }
        }
        return now;
    }

    private static void cancelAll(List<ClientTransaction> transactions, String reason) {
        for (ClientTransaction tx : transactions) tx.cancel(reason);
    }

    /** Must hold the lock. The final response to send when every branch has ended, or null. */
    private SipResponse finalIfAllDone() {
        if (finalSent || !closedForBranches) return null;
        for (Branch b : branches) {
            if (!b.done) return null;
        }
        finalSent = true;
        SipResponse r = best != null ? best : original.createResponse(cancelled ? 487 : 408, null, localTag);
        if (r.status() == 503) r = r.withStatus(500, "Server Internal Error"); // §16.7 step 6
        return r;
    }

    private void send(SipResponse r) {
        if (r != null) {
            server.sendResponse(r);
            observer.accept(r);
        }
    }

    /** §16.7 step 6: 6xx beats all; else the lower class wins; 401/407 challenges are merged. */
    static SipResponse better(SipResponse current, SipResponse candidate) {
        if (current == null) return candidate;
        int c = current.status();
        int n = candidate.status();
        if (c >= 600) return current;
        if (n >= 600) return candidate;
        if (isChallenge(c) && isChallenge(n)) {
            for (String name : new String[] {HeaderNames.WWW_AUTHENTICATE, HeaderNames.PROXY_AUTHENTICATE}) {
                for (String v : candidate.headerValues(name)) current.addHeader(name, v);
            }
            return current;
        }
        int classC = c / 100;
        int classN = n / 100;
        if (classN < classC) return candidate;
        if (classN == classC && isChallenge(n) && !isChallenge(c)) return candidate; // keep auth working
        return current;
    }

    private static boolean isChallenge(int status) {
        return status == 401 || status == 407;
    }
}

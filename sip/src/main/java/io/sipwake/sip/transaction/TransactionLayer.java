package io.sipwake.sip.transaction;

import io.netty.util.HashedWheelTimer;
import io.sipwake.sip.message.CSeq;
import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.message.SipSyntaxException;
import io.sipwake.sip.message.Via;
import io.sipwake.sip.transport.Flow;
import io.sipwake.sip.transport.SipTransport;
import io.sipwake.sip.transport.Transport;
import io.sipwake.sip.transport.TransportListener;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP transaction layer (RFC 3261 §17, updated by RFC 6026): matches every message the
 * transport delivers to a client or server transaction, runs their state machines and timers,
 * and hands the transaction user (TU) only what it must see.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * TransactionLayer layer = TransactionLayer.builder(transport, proxy).timers(TimerSettings.DEFAULT).build();
 * transport.setListener(layer);   // or forward onMessage/onFlowClosed to it from your own listener
 * ...
 * ClientTransaction tx = layer.sendRequest(request, flow, listener);   // request already has our top Via
 * ...
 * layer.close();
 * }</pre>
 *
 * <h2>Matching</h2>
 * Requests (§17.2.3) by top Via branch, sent-by and method (ACK matches its INVITE; CANCEL is a
 * transaction of its own, {@link #findInviteServerTransaction} finds the INVITE it cancels, §9.2),
 * or, when the branch lacks the {@code z9hG4bK} cookie, by the RFC 2543 rules (Request-URI, To
 * and From tags, Call-ID, CSeq, top Via). Responses (§17.1.3) by top Via branch and CSeq method;
 * the layer never removes a Via. A retransmitted request is absorbed; a new one becomes a
 * {@link ServerTransaction} given to {@link TransactionUser#onRequest}; ACKs not absorbed go to
 * {@link TransactionUser#onAck}; responses matching nothing go to {@link TransactionUser#onStrayResponse}.
 *
 * <h2>Threads</h2>
 * Thread-safe. Transactions live in {@link ConcurrentHashMap}s, each with its own lock; there is
 * no global lock. Nothing blocks: sends are asynchronous and timers run on the
 * {@link TransactionScheduler}. TU callbacks run on the thread that received the message (a
 * transport event loop) or on the scheduler's thread (timers, send failures, and what a TU call
 * caused); never under a lock and never from inside a call the TU makes into the layer.
 *
 * <h2>Memory</h2>
 * A transaction is removed from the maps when it terminates. A server transaction whose TU never
 * sends a final response is forgotten by a watchdog (see {@link Builder#serverWatchdog}), an INVITE
 * client transaction stuck in Proceeding by Timer C and the §9.1 CANCEL guard.
 */
public final class TransactionLayer implements TransportListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransactionLayer.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BRANCH_ENCODER = Base64.getUrlEncoder().withoutPadding();

    /** §17.2.1: an INVITE server transaction sends 100 Trying if the TU has not answered within 200 ms. */
    static final long TRYING_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final SipTransport transport;
    private final TimerSettings timers;
    private final TransactionScheduler scheduler;
    private final HashedWheelTimer ownTimer; // when no scheduler was given
    private final TransactionUser user;
    final boolean sendTrying;

    // timer values in nanoseconds
    final long t1;
    final long t2;
    final long t4;
    final long timer64T1;
    final long timerDUdp;
    final long timerC;
    final long watchdogInvite;
    final long watchdogNonInvite;

    private final ConcurrentHashMap<ServerKey, ServerTransaction> servers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, List<ServerTransaction>> servers2543 = new ConcurrentHashMap<>(); // by Call-ID
    private final AtomicInteger count2543 = new AtomicInteger();
    private final ConcurrentHashMap<ClientKey, ClientTransaction> clients = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * A layer with {@code sendTrying} off and the default watchdogs.
     *
     * @param scheduler runs the timers; the layer does not shut it down
     */
    public TransactionLayer(SipTransport transport, TimerSettings timers, TransactionScheduler scheduler, TransactionUser user) {
        this(builder(transport, user).timers(timers).scheduler(scheduler));
    }

    private TransactionLayer(Builder b) {
        this.transport = Objects.requireNonNull(b.transport, "transport");
        this.user = Objects.requireNonNull(b.user, "user");
        this.timers = Objects.requireNonNull(b.timers, "timers");
        if (b.scheduler != null) {
            this.scheduler = b.scheduler;
            this.ownTimer = null;
        } else {
            this.ownTimer = new HashedWheelTimer(r -> {
                Thread t = new Thread(r, "sipwake-transaction-timer");
                t.setDaemon(true);
                return t;
            }, 10, TimeUnit.MILLISECONDS);
            this.scheduler = TransactionScheduler.of(ownTimer);
        }
        this.sendTrying = b.sendTrying;
        this.t1 = timers.t1().toNanos();
        this.t2 = timers.t2().toNanos();
        this.t4 = timers.t4().toNanos();
        this.timer64T1 = timers.timerB().toNanos();
        this.timerDUdp = timers.timerD().toNanos();
        this.timerC = timers.timerC().toNanos();
        long cOrDefault = timers.timerCEnabled() ? timerC : TimerSettings.DEFAULT_TIMER_C.toNanos();
        this.watchdogNonInvite = b.watchdogNonInvite != null ? b.watchdogNonInvite.toNanos() : 2 * timer64T1;
        this.watchdogInvite = b.watchdogInvite != null ? b.watchdogInvite.toNanos() : 2 * cOrDefault + 2 * timer64T1;
    }

    public static Builder builder(SipTransport transport, TransactionUser user) {
        return new Builder(transport, user);
    }

    /** Options of a {@link TransactionLayer}. */
    public static final class Builder {
        private final SipTransport transport;
        private final TransactionUser user;
        private TimerSettings timers = TimerSettings.DEFAULT;
        private TransactionScheduler scheduler;
        private boolean sendTrying;
        private Duration watchdogNonInvite;
        private Duration watchdogInvite;

        private Builder(SipTransport transport, TransactionUser user) {
            this.transport = transport;
            this.user = user;
        }

        /** Default {@link TimerSettings#DEFAULT}. */
        public Builder timers(TimerSettings t) {
            this.timers = Objects.requireNonNull(t);
            return this;
        }

        /**
         * Runs the timers; not shut down by the layer. Default: a {@link HashedWheelTimer} with a
         * 10 ms tick on a daemon thread, owned (and stopped on {@link #close()}) by the layer.
         */
        public Builder scheduler(TransactionScheduler s) {
            this.scheduler = s;
            return this;
        }

        /**
         * When true, an INVITE server transaction sends 100 Trying by itself if the TU has sent no
         * response within 200 ms (§17.2.1). Default false: a proxy sends its 100 at once (§16.2).
         */
        public Builder sendTrying(boolean on) {
            this.sendTrying = on;
            return this;
        }

        /**
         * How long a server transaction waits for its TU's final response before it is forgotten
         * (a safety net against TU bugs, not an RFC timer: nothing is sent). Defaults: 128*T1
         * (twice Timer F) for non-INVITE; 2*Timer C + 128*T1 for INVITE (Timer C counted as its
         * default when disabled). {@link Duration#ZERO} disables a watchdog.
         */
        public Builder serverWatchdog(Duration nonInvite, Duration invite) {
            this.watchdogNonInvite = Objects.requireNonNull(nonInvite);
            this.watchdogInvite = Objects.requireNonNull(invite);
            return this;
        }

        public TransactionLayer build() {
            return new TransactionLayer(this);
        }
    }

    // ---- client side ----

    /**
     * Starts a client transaction that sends {@code request} over an existing flow (for example
     * the connection a phone registered over, RFC 5626).
     *
     * @param request a request other than ACK whose top Via carries an RFC 3261 branch unique
     *     among active client transactions of its method (see {@link #newBranch()}); it belongs to
     *     the transaction afterwards
     * @throws IllegalArgumentException for an ACK or a top Via without a {@code z9hG4bK} branch
     * @throws IllegalStateException when the branch is in use or the layer is closed
     */
    public ClientTransaction sendRequest(SipRequest request, Flow flow, ClientTransactionListener listener) {
        Objects.requireNonNull(flow, "flow");
        return startClient(request, flow.transport(), flow.remote(), flow, listener);
    }

    /** Starts a client transaction that sends {@code request} to {@code destination}; see {@link #sendRequest(SipRequest, Flow, ClientTransactionListener)}. */
    public ClientTransaction sendRequest(SipRequest request, Transport transport, InetSocketAddress destination,
            ClientTransactionListener listener) {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(destination, "destination");
        return startClient(request, transport, destination, null, listener);
    }

    private ClientTransaction startClient(SipRequest request, Transport t, InetSocketAddress destination, Flow flow,
            ClientTransactionListener listener) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        if (closed) throw new IllegalStateException("transaction layer is closed");
        if (request.isMethod("ACK")) {
            throw new IllegalArgumentException("ACK is not a transaction of its own: use sendStateless (or the ACK the INVITE transaction sends)");
        }
        Via top = request.topVia();
        if (top == null || !top.hasRfc3261Branch()) {
            throw new IllegalArgumentException("the request needs a top Via with a " + Via.MAGIC_COOKIE + " branch: " + top);
        }
        ClientKey key = new ClientKey(top.branch(), request.method());
        ClientTransaction tx = new ClientTransaction(this, key, request, t, destination, flow, listener);
        if (clients.putIfAbsent(key, tx) != null) {
            throw new IllegalStateException("a " + key.method() + " client transaction with branch " + key.branch() + " is active");
        }
        if (request.isMethod("CANCEL")) {
            ClientTransaction inviteTx = clients.get(new ClientKey(key.branch(), "INVITE"));
            if (inviteTx != null) inviteTx.cancelSent(); // §9.1 guard, whoever built the CANCEL
        }
        tx.start();
        return tx;
    }

    /** Sends a request without a transaction (an ACK for a 2xx, §13.2.2.4 / §16.11) over a flow. */
    public CompletableFuture<Flow> sendStateless(SipRequest request, Flow flow) {
        return send(request, flow);
    }

    /** Sends a request without a transaction to an address. */
    public CompletableFuture<Flow> sendStateless(SipRequest request, Transport t, InetSocketAddress destination) {
        return send(request, t, destination);
    }

    /**
     * Sends a response without a transaction (a stray 2xx forwarded by a proxy, §16.7/§16.11),
     * where §18.2.2 says; {@code requestFlow} may be null when there was no request.
     */
    public CompletableFuture<Flow> sendStateless(SipResponse response, Flow requestFlow) {
        return sendResponse(response, requestFlow);
    }

    // ---- server side ----

    /**
     * The INVITE server transaction a CANCEL cancels (§9.2): the one the CANCEL would match by
     * §17.2.3 if its method were INVITE (same branch and sent-by, or for RFC 2543 requests the
     * same Request-URI, tags, Call-ID, CSeq number and top Via). Null when there is none or it
     * has terminated.
     */
    public ServerTransaction findInviteServerTransaction(SipRequest cancel) {
        try {
            Via top = cancel.topVia();
            if (top == null) return null;
            ServerTransaction tx;
            if (top.hasRfc3261Branch()) {
                tx = servers.get(ServerKey.of(top, "INVITE"));
            } else {
                String uri = String.valueOf(cancel.requestUri());
                String toTag = cancel.to().tag();
                String fromTag = cancel.from().tag();
                String callId = cancel.callId();
                CSeq cseq = cancel.cseq();
                tx = find2543(callId, c -> c.matchesCancel2543(uri, toTag, fromTag, callId, cseq, top));
            }
            return tx == null || tx.state() == TransactionState.TERMINATED ? null : tx;
        } catch (RuntimeException e) {
            log.debug("cannot match CANCEL: {}", e.toString());
            return null;
        }
    }

    // ---- TransportListener ----

    /** Entry point for every message the transport received. Never throws. */
    @Override
    public void onMessage(SipMessage message, Flow source) {
        if (closed) return;
        try {
            if (message instanceof SipResponse r) {
                receiveResponse(r, source);
            } else {
                receiveRequest((SipRequest) message, source);
            }
        } catch (SipSyntaxException e) {
            // the parser lets no such message through; keep remote input from flooding the log anyway
            log.debug("dropping {} from {}: {}", message.startLine(), source, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("dropping {} from {}", message.startLine(), source, e);
        }
    }

    /**
     * A connection closed: pending client transactions whose request went over it end with a
     * transport error (§17.1.4), as their response could no longer come back on it.
     */
    @Override
    public void onFlowClosed(Flow flow) {
        if (closed || !flow.transport().isReliable()) return;
        for (ClientTransaction tx : clients.values()) {
            if (flow.equals(tx.knownFlow())) tx.flowClosed(flow);
        }
    }

    private void receiveResponse(SipResponse r, Flow source) {
        Via top = r.topVia();
        String branch = top == null ? null : top.branch();
        ClientTransaction tx = branch == null ? null : clients.get(new ClientKey(branch, r.cseq().method()));
        if (tx != null && tx.receiveResponse(r)) return;
        runCallback(() -> user.onStrayResponse(r, source));
    }

    private void receiveRequest(SipRequest request, Flow source) {
        Via top = request.topVia();
        if (top == null) {
            log.debug("dropping {} without Via from {}", request.method(), source);
            return;
        }
        boolean ack = request.isMethod("ACK");
        if (!top.hasRfc3261Branch()) {
            receiveRequest2543(request, source, top, ack);
            return;
        }
        ServerKey key = ServerKey.of(top, ack ? "INVITE" : request.method());
        ServerTransaction tx = servers.get(key);
        if (ack) {
            if (tx == null || !tx.receiveAck(request, source)) runCallback(() -> user.onAck(request, source));
            return;
        }
        if (tx != null) {
            tx.receiveRetransmission();
            return;
        }
        ServerTransaction created = new ServerTransaction(this, key, request, source);
        ServerTransaction raced = servers.putIfAbsent(key, created);
        if (raced != null) {
            raced.receiveRetransmission();
        } else {
            created.start();
        }
    }

    private void receiveRequest2543(SipRequest request, Flow source, Via top, boolean ack) {
        String uri = String.valueOf(request.requestUri());
        String toTag = request.to().tag();
        String fromTag = request.from().tag();
        String callId = request.callId();
        CSeq cseq = request.cseq();
        if (ack) {
            ServerTransaction tx = find2543(callId, c -> c.matchesAck2543(uri, toTag, fromTag, callId, cseq, top));
            if (tx == null || !tx.receiveAck(request, source)) runCallback(() -> user.onAck(request, source));
            return;
        }
        ServerTransaction[] found = new ServerTransaction[1];
        ServerTransaction[] created = new ServerTransaction[1];
        servers2543.compute(callId, (id, list) -> {
            if (list != null) {
                for (ServerTransaction c : list) {
                    if (c.matches2543(uri, toTag, fromTag, callId, cseq, top)) {
                        found[0] = c;
                        return list;
                    }
                }
            }
            created[0] = new ServerTransaction(this, null, request, source);
            List<ServerTransaction> grown = new ArrayList<>(list == null ? 1 : list.size() + 1);
            if (list != null) grown.addAll(list);
            grown.add(created[0]);
            return List.copyOf(grown);
        });
        if (found[0] != null) {
            found[0].receiveRetransmission();
        } else {
            count2543.incrementAndGet();
            created[0].start();
        }
    }

    private interface Match {
        boolean test(ServerTransaction tx);
    }

    private ServerTransaction find2543(String callId, Match match) {
        List<ServerTransaction> list = servers2543.get(callId);
        if (list == null) return null;
        for (ServerTransaction tx : list) {
            if (match.test(tx)) return tx;
        }
        return null;
    }

    // ---- bookkeeping ----

    /** A terminated transaction leaves the maps. Called under the transaction's lock. */
    void forget(Transaction tx) {
        if (tx instanceof ClientTransaction c) {
            clients.remove(c.key(), c);
        } else if (tx instanceof ServerTransaction s) {
            if (s.key() != null) {
                servers.remove(s.key(), s);
            } else {
                boolean[] removed = new boolean[1];
                servers2543.computeIfPresent(s.callId(), (id, list) -> {
                    if (!list.contains(s)) return list;
                    removed[0] = true;
                    if (list.size() == 1) return null;
                    List<ServerTransaction> shrunk = new ArrayList<>(list);
                    shrunk.remove(s);
                    return List.copyOf(shrunk);
                });
                if (removed[0]) count2543.decrementAndGet();
            }
        }
    }

    /** Number of live transactions, client and server. */
    public int activeTransactions() {
        return activeServerTransactions() + activeClientTransactions();
    }

    public int activeServerTransactions() {
        return servers.size() + count2543.get();
    }

    public int activeClientTransactions() {
        return clients.size();
    }

    public TimerSettings timers() {
        return timers;
    }

    /**
     * A new RFC 3261 branch (§8.1.1.7): the magic cookie and 128 random bits, URL-safe base64
     * (all token characters), e.g. {@code z9hG4bKq3Xw...} (29 characters).
     */
    public static String newBranch() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Via.MAGIC_COOKIE + BRANCH_ENCODER.encodeToString(bytes);
    }

    /**
     * Stops every timer and forgets every transaction without calling anyone back. Does not close
     * the transport or a scheduler given to the builder.
     */
    @Override
    public void close() {
        closed = true;
        for (ClientTransaction tx : clients.values()) tx.abandon();
        for (ServerTransaction tx : servers.values()) tx.abandon();
        for (List<ServerTransaction> list : servers2543.values()) {
            for (ServerTransaction tx : list) tx.abandon();
        }
        clients.clear();
        servers.clear();
        servers2543.clear();
        count2543.set(0);
        if (ownTimer != null) {
            try {
                ownTimer.stop();
            } catch (IllegalStateException e) { // close() called from a timer task: let the thread end on its own
                log.debug("transaction timer not stopped: {}", e.getMessage());
            }
        }
    }

    // ---- services for the transactions ----

    TransactionUser user() {
        return user;
    }

    long timerD(boolean reliable) {
        return reliable ? 0 : timerDUdp;
    }

    long timerI(boolean reliable) {
        return reliable ? 0 : t4;
    }

    long timerJ(boolean reliable) {
        return reliable ? 0 : timer64T1;
    }

    long timerK(boolean reliable) {
        return reliable ? 0 : t4;
    }

    CompletableFuture<Flow> send(SipMessage m, Flow flow) {
        try {
            return transport.send(m, flow);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    CompletableFuture<Flow> send(SipMessage m, Transport t, InetSocketAddress destination) {
        try {
            return transport.send(m, t, destination);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    CompletableFuture<Flow> sendResponse(SipResponse r, Flow requestFlow) {
        try {
            return transport.sendResponse(r, requestFlow);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static final TransactionScheduler.Cancellable NOT_SCHEDULED = () -> {};

    TransactionScheduler.Cancellable schedule(Runnable task, long delayNanos) {
        try {
            return scheduler.schedule(() -> runGuarded(task), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException | IllegalStateException e) {
            if (!closed) log.error("transaction timer not scheduled: {}", e.toString());
            return NOT_SCHEDULED;
        }
    }

    void execute(Runnable task) {
        try {
            scheduler.execute(() -> runGuarded(task));
        } catch (RejectedExecutionException | IllegalStateException e) {
            if (!closed) log.error("transaction task not run: {}", e.toString());
        }
    }

    private static void runGuarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("transaction timer task failed", e);
        }
    }

    /** Runs a TU callback; what it throws is logged, never propagated into the layer or the transport. */
    void runCallback(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException | AssertionError | LinkageError e) {
            log.error("transaction user callback failed", e);
        }
    }
}

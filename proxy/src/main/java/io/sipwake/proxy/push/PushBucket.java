package io.sipwake.proxy.push;

import io.sipwake.proxy.ProxyMetrics;
import io.sipwake.proxy.routing.ResponseContext;
import io.sipwake.push.PushKind;
import io.sipwake.push.PushRequest;
import io.sipwake.push.PushResult;
import io.sipwake.sip.message.NameAddress;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipUri;
import io.sipwake.sip.transport.Flow;
import io.sipwake.store.Binding;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP Request Push Bucket of RFC 8599 §5.2 and §5.6.2: a request for a sleeping phone is held
 * here while a push wakes the phone, and forwarded the moment the phone's re-REGISTER is accepted,
 * over the connection that REGISTER came on, with no fixed delay.
 *
 * <p>A held request leaves the bucket in exactly one way: released by a matching REGISTER (matched
 * by {@code +sip.instance}, then by push token, §5.3), failed when the push fails (404 for a dead
 * token, whose binding is then removed; 480 otherwise), timed out by the Bucket Timer (480), or
 * abandoned when the call ends first (CANCEL, answered elsewhere): then a cancel push tells the
 * phone to stop ringing.
 *
 * <p>Thread-safe: held requests are kept per AOR in concurrent lists; a request's outcome is
 * decided once, by an atomic flag. Nothing here blocks.
 */
public final class PushBucket {
    private static final Logger log = LoggerFactory.getLogger(PushBucket.class);

    /** Sends a released request to the phone's new binding. */
    public interface Forwarder {
        void forward(Held held, Binding binding);

        /**
         * Sends the INVITE of a call that ended while the phone was waking, and cancels it at once
         * with {@code reason} (a Reason header value): iOS must see the call in CallKit and then its end.
         */
        void forwardThenCancel(Held held, Binding binding, String reason);
    }

    /** Removes a binding whose push token the provider declared dead. */
    public interface DeadTokenPruner {
        void prune(String aor, String bindingKey);
    }

    /**
     * @param inviteTimeout  Bucket Timer for INVITE (and other dialog-creating requests)
     * @param messageTimeout Bucket Timer for MESSAGE and other non-INVITE requests: kept well below
     *                       Timer F (32 s) so the error reaches the sender in time (§5.6.2)
     * @param cancelPush     send a cancel push when a call ends while its phone is waking
     * @param missedCallPush also send a user-visible missed-call push when the caller gave up (CANCEL
     *                       or bucket timeout), not when another device answered
     * @param lateInviteCancel when a call ends while its phone is waking and the phone registers within
     *                       {@code inviteTimeout} anyway, deliver the INVITE and cancel it at once with
     *                       a Reason (how Flexisip stops an iOS phone ringing for a call that is over)
     */
    public record Settings(Duration inviteTimeout, Duration messageTimeout, boolean cancelPush, boolean missedCallPush,
            boolean lateInviteCancel) {}

    /** One request held for one device. */
    public final class Held {
        private final String aor;
        private final Binding binding;
        private final PushParameters push;
        private final ResponseContext.Branch branch;
        private final SipRequest request;
        private final Flow inbound;
        private final boolean inDialog;
        private final String callUuid;
        private final Instant heldAt;
        private final AtomicBoolean decided = new AtomicBoolean();
        private final AtomicBoolean traced = new AtomicBoolean();
        private final List<String> timeline = new CopyOnWriteArrayList<>();
        private volatile ScheduledFuture<?> timer;
        private volatile long pushSentNanos;

        private Held(String aor, Binding binding, PushParameters push, ResponseContext.Branch branch, SipRequest request, Flow inbound,
                boolean inDialog) {
            this.inDialog = inDialog;
            this.aor = aor;
            this.binding = binding;
            this.push = push;
            this.branch = branch;
            this.request = request;
            this.inbound = inbound;
            this.callUuid = UUID.nameUUIDFromBytes(request.callId().getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
            this.heldAt = clock.instant();
            event("received " + request.method());
        }

        public ResponseContext.Branch branch() {
            return branch;
        }

        /**
         * True for a mid-dialog request held by its PURR (RFC 8599 §6.2.3): on release it keeps its Request-URI and
         * Route set and only goes over the device's new connection.
         */
        public boolean isInDialog() {
            return inDialog;
        }

        /** The request as it was to be forwarded (Request-URI, Route and Via are set again on release). */
        public SipRequest request() {
            return request;
        }

        public Flow inbound() {
            return inbound;
        }

        public String aor() {
            return aor;
        }

        void event(String what) {
            timeline.add(Duration.between(heldAt, clock.instant()).toMillis() + "ms " + what);
        }

        private boolean decide() {
            if (!decided.compareAndSet(false, true)) return false;
            ScheduledFuture<?> t = timer;
            if (t != null) t.cancel(false);
            List<Held> list = held.get(aor);
            if (list != null) list.remove(this);
            return true;
        }

        private void logOutcome(String outcome) {
            event(outcome);
            // a live view: the provider may still answer after the outcome (a CANCEL can beat the push response)
            if (traced.compareAndSet(false, true)) traces.add(new PushTraces.Trace(request.callId(), request.method(), aor, push.provider(), java.util.Collections.unmodifiableList(timeline)));
            log.info("push wake {} {} for {} via {} {}: {}", request.method(), request.callId(), aor, push.provider(),
                    push.tokens().isEmpty() ? "" : io.sipwake.push.Tokens.redact(push.tokens().get(0).token()), String.join(", ", timeline));
        }
    }

    /** The Reason of the CANCEL sent to a late phone when the caller's CANCEL had none (RFC 3326). */
    public static final String CALL_CANCELLED = "SIP;cause=487;text=\"Call cancelled by the caller\"";

    private final PushDispatcher pushes;
    private final ScheduledExecutorService timers;
    private final Clock clock;
    private final Settings settings;
    private final Forwarder forwarder;
    private final DeadTokenPruner pruner;
    private final Map<String, List<Held>> held = new ConcurrentHashMap<>();
    private final PushTraces traces = new PushTraces(10_000);
    /** Calls that ended while their phone was waking, with the Reason to cancel them with, until their deadline. */
    private final Map<Held, String> late = new ConcurrentHashMap<>();
    private volatile ProxyMetrics metrics = ProxyMetrics.NOOP;

    public PushBucket(PushDispatcher pushes, ScheduledExecutorService timers, Clock clock, Settings settings, Forwarder forwarder,
            DeadTokenPruner pruner) {
        this.pushes = pushes;
        this.timers = timers;
        this.clock = clock;
        this.settings = settings;
        this.forwarder = forwarder;
        this.pruner = pruner;
    }

    /** Reports pushes, their answers, wake latencies, timeouts and pruned tokens to {@code metrics} (no-op by default). */
    public void setMetrics(ProxyMetrics metrics) {
        this.metrics = metrics == null ? ProxyMetrics.NOOP : metrics;
    }

    /** The timelines of recent held requests, by Call-ID. */
    public PushTraces traces() {
        return traces;
    }

    /**
     * One request held now for one device (the admin API's held calls): its Call-ID, method, AOR, provider, when it
     * was held, and its timeline so far.
     */
    public record HeldRequest(String callId, String method, String aor, String provider, Instant heldSince, List<String> timeline) {}

    /** The requests held now, oldest first. */
    public List<HeldRequest> heldNow() {
        List<HeldRequest> now = new ArrayList<>();
        for (List<Held> l : held.values()) {
            for (Held h : l) {
                now.add(new HeldRequest(h.request.callId(), h.request.method(), h.aor, h.push.provider(), h.heldAt, List.copyOf(h.timeline)));
            }
        }
        now.sort(java.util.Comparator.comparing(HeldRequest::heldSince));
        return now;
    }

    /** Requests held now (all AORs). */
    public int size() {
        int n = 0;
        for (List<Held> l : held.values()) n += l.size();
        return n;
    }

    /**
     * Holds {@code request} for the device of {@code binding}: adds a held branch to the call's
     * response context, sends the push and starts the Bucket Timer.
     */
    public void hold(String aor, Binding binding, PushParameters push, ResponseContext context, SipRequest request, Flow inbound) {
        hold(aor, binding, push, context, request, inbound, false);
    }

    /**
     * RFC 8599 §6.2.3: holds a mid-dialog request whose PURR names {@code binding}, pushes its device (never a VoIP
     * push: it is no new call) and forwards the request once the device registers again.
     */
    public void holdInDialog(String aor, Binding binding, PushParameters push, ResponseContext context, SipRequest request, Flow inbound) {
        hold(aor, binding, push, context, request, inbound, true);
    }

    private void hold(String aor, Binding binding, PushParameters push, ResponseContext context, SipRequest request, Flow inbound,
            boolean inDialog) {
        ResponseContext.Branch branch = context.newBranch(request);
        if (branch == null) return; // the call already ended
        Held h = new Held(aor, binding, push, branch, request, inbound, inDialog);
        if (!branch.hold(reason -> abandoned(h, reason))) return; // cancelled or answered elsewhere meanwhile: no push
        held.computeIfAbsent(aor, k -> new CopyOnWriteArrayList<>()).add(h);
        boolean invite = request.isMethod("INVITE");
        Duration timeout = invite ? settings.inviteTimeout() : settings.messageTimeout();
        h.timer = timers.schedule(() -> timedOut(h), timeout.toMillis(), TimeUnit.MILLISECONDS);
        PushKind kind = invite && !inDialog ? PushKind.CALL : PushKind.MESSAGE;
        PushRequest push0 = pushRequest(h, kind, clock.instant().plus(timeout));
        if (push0 == null) {
            fail(h, 480, "Temporarily Unavailable (no push token for " + kind + ")");
            return;
        }
        h.event("push sent to " + push.provider());
        h.pushSentNanos = System.nanoTime();
        dispatch(push0).whenComplete((result, error) -> pushAnswered(h, result));
    }

    private PushRequest pushRequest(Held h, PushKind kind, Instant deadline) {
        io.sipwake.proxy.push.PushKind use = kind == PushKind.CALL ? io.sipwake.proxy.push.PushKind.CALL : io.sipwake.proxy.push.PushKind.MESSAGE;
        var token = h.push.tokenFor(use);
        if (token.isEmpty()) return null;
        SipRequest r = h.request;
        NameAddress from = r.from();
        String caller = from.uri() instanceof SipUri s ? s.withParams(io.sipwake.sip.message.Parameters.empty()).toString() : from.uri().toString();
        boolean video = new String(r.body(), java.nio.charset.StandardCharsets.ISO_8859_1).contains("m=video");
        String prid = h.push.senderPrid(token.get());
        return new PushRequest(h.push.provider(), h.push.param(), prid, h.push.sandbox(), kind, deadline, r.callId(), h.callUuid,
                caller, from.displayNameUnquoted(), video, clock.instant(), r.callId());
    }

    private void pushAnswered(Held h, PushResult result) {
        if (result instanceof PushResult.Accepted accepted) {
            h.event("push accepted (" + accepted.providerId() + ")");
            return;
        }
        if (result instanceof PushResult.Rejected rejected) {
            h.event("push rejected: " + rejected.status() + " " + rejected.reason());
            if (rejected.tokenIsDead()) {
                pruner.prune(h.aor, h.binding.bindingKey());
                metrics.deadTokenPruned(h.push.provider());
                fail(h, 404, "Not Found (push token no longer valid)");
            } else {
                fail(h, 480, "Temporarily Unavailable (push rejected: " + rejected.reason() + ")");
            }
            return;
        }
        PushResult.Failed failed = (PushResult.Failed) result;
        h.event("push failed: " + failed.reason());
        fail(h, 480, "Temporarily Unavailable (push failed)");
    }

    private void fail(Held h, int status, String reason) {
        if (!h.decide()) return;
        h.logOutcome("answered " + status);
        h.branch.context().branchFailed(h.branch, status, reason);
    }

    private void timedOut(Held h) {
        if (!h.decide()) return;
        metrics.heldRequestTimedOut();
        h.logOutcome("answered 480: the phone did not wake up");
        if (h.request.isMethod("INVITE") && !h.inDialog) sendMissedCall(h);
        h.branch.context().branchFailed(h.branch, 480, "Temporarily Unavailable (the phone did not wake up)"); // §5.6.2: Bucket Timer
    }

    private void abandoned(Held h, String reason) {
        if (!h.decide()) return;
        boolean elsewhere = ResponseContext.COMPLETED_ELSEWHERE.equals(reason);
        h.logOutcome(elsewhere ? "answered elsewhere before the phone woke" : "caller gave up before the phone woke");
        if (!h.request.isMethod("INVITE") || h.inDialog) return; // no call to cancel on the phone
        if (settings.lateInviteCancel()) {
            late.put(h, reason == null || reason.isEmpty() ? CALL_CANCELLED : reason);
            timers.schedule(() -> late.remove(h), settings.inviteTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        if (settings.cancelPush()) send(h, PushKind.CALL_CANCELLED);
        if (!elsewhere) sendMissedCall(h);
    }

    private void sendMissedCall(Held h) {
        if (settings.missedCallPush()) send(h, PushKind.MISSED_CALL);
    }

    private void send(Held h, PushKind kind) {
        PushRequest request = pushRequest(h, kind, clock.instant().plus(settings.inviteTimeout()));
        if (request != null) dispatch(request);
    }

    /** Sends a push and reports it, and its answer with the round trip, to the metrics. */
    private java.util.concurrent.CompletableFuture<PushResult> dispatch(PushRequest request) {
        return pushes.send(request, metrics);
    }

    /**
     * A REGISTER of {@code aor} was accepted (§5.6.2): every held request whose device is among
     * {@code bindings} and re-registered after the push is forwarded to it now.
     */
    public void registered(String aor, List<Binding> bindings) {
        for (Map.Entry<Held, String> e : late.entrySet()) {
            Held h = e.getKey();
            if (!h.aor.equals(aor)) continue;
            Binding match = match(h, bindings);
            if (match == null || late.remove(h) == null) continue;
            h.event("REGISTER seen after the call ended");
            forwarder.forwardThenCancel(h, match, e.getValue());
            h.logOutcome("INVITE delivered and cancelled");
        }
        List<Held> list = held.get(aor);
        if (list == null || list.isEmpty()) return;
        for (Held h : new ArrayList<>(list)) {
            Binding match = match(h, bindings);
            if (match == null) continue;
            if (!h.branch.release() || !h.decide()) continue;
            h.event("REGISTER seen");
            long sent = h.pushSentNanos;
            if (sent != 0) metrics.wakeLatency(Duration.ofNanos(System.nanoTime() - sent));
            forwarder.forward(h, match);
            h.logOutcome("forwarded");
        }
    }

    /**
     * A REGISTER of {@code aor} whose Contacts would have made {@code attempted} was refused (not with a 401/407
     * challenge, after which the phone tries again): RFC 8599 §5.6.2, the requests held for those devices end
     * now with 480 instead of waiting for the Bucket Timer.
     */
    public void registrationRefused(String aor, List<Binding> attempted, int status) {
        List<Held> list = held.get(aor);
        if (list == null || list.isEmpty()) return;
        for (Held h : new ArrayList<>(list)) {
            if (match(h, attempted) == null) continue;
            h.event("REGISTER refused with " + status);
            fail(h, 480, "Temporarily Unavailable (the phone's registration was refused)");
        }
    }

    private Binding match(Held h, List<Binding> bindings) {
        return reRegistration(h.binding, h.push, h.heldAt.toEpochMilli(), bindings);
    }

    /**
     * §5.3 and RFC 5626: the binding by which the device pushed through {@code pushed} registered at or after
     * {@code sinceMillis}: the same {@code +sip.instance}, else a shared push token or the same binding key. Bindings
     * the PBX hook stored ({@link HookWake#isHookBinding}) are no registration. Null when there is none.
     */
    static Binding reRegistration(Binding pushed, PushParameters device, long sinceMillis, List<Binding> bindings) {
        for (Binding b : bindings) {
            if (b.updatedAtMillis() < sinceMillis || HookWake.isHookBinding(b)) continue; // not a registration made after the push
            if (pushed.instanceId() != null && pushed.instanceId().equals(b.instanceId())) return b;
        }
        for (Binding b : bindings) {
            if (b.updatedAtMillis() < sinceMillis || HookWake.isHookBinding(b)) continue;
            PushParameters p = io.sipwake.proxy.registrar.Registrar.pushParameters(b);
            if (p != null && p.sharesTokenWith(device)) return b;
            if (b.bindingKey().equals(pushed.bindingKey())) return b;
        }
        return null;
    }
}

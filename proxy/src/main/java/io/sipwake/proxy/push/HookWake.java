package io.sipwake.proxy.push;

import io.sipwake.proxy.ProxyMetrics;
import io.sipwake.proxy.location.LocationService;
import io.sipwake.proxy.registrar.Registrar;
import io.sipwake.push.PushKind;
import io.sipwake.push.PushRequest;
import io.sipwake.push.PushResult;
import io.sipwake.sip.message.SipUri;
import io.sipwake.store.Binding;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hook mode: a PBX dialplan that stays in control asks sipwake to wake a phone before it dials it
 * ({@code sipwake wake}, {@code POST /api/v1/wake}). This replaces the old "grep the token from the contact, run
 * push.sh, Wait(3), Dial" recipe with the push path sipwake already has.
 *
 * <p>A wake:
 * <ol>
 *   <li>reads the contact the PBX knows, when given, in any dialect sipwake parses ({@link HookContact}), and stores
 *       or refreshes it as a <em>hook binding</em> of the AOR ({@link #isHookBinding}: source {@code hook}, kept
 *       {@link Settings#bindingLifetime()} after its last wake), so that later wakes without a contact, a restart
 *       and {@code sipwake bindings} see it. A device that registers through sipwake itself keeps its own binding;
 *       the hook never replaces one.
 *   <li>sends a call push through the {@link PushDispatcher} to that device, or, without a usable contact, to every
 *       push binding of the AOR (each device once);
 *   <li>answers when the push was accepted, or, with {@code wait}, when the phone registered again: for a device
 *       whose REGISTERs pass through sipwake (standalone or edge mode) its next REGISTER (or at once when it is
 *       connected now), for a device sipwake knows only from the hook the accepted push, since its REGISTER goes to
 *       the PBX; or at the timeout.
 * </ol>
 * A dead token (the same rule as for held calls: {@link PushResult.Rejected#tokenIsDead()}) removes its binding.
 * Wakes with the same AOR and call id, while one is pending or within {@link Settings#dedupeWindow()} after, share
 * one push: later ones join the first and report {@link Result#duplicate()}.
 *
 * <p>Nothing blocks: registrations arrive through a {@link LocationService.Listener}, provider answers through the
 * senders' futures, timeouts on {@code timers}. A result future may complete on any of those threads, so a
 * caller that does I/O with it must hand it to its own executor.
 */
public final class HookWake {
    private static final Logger log = LoggerFactory.getLogger(HookWake.class);

    /** {@link Binding#source()} of the bindings the hook stores. */
    public static final String HOOK_SOURCE = "hook";

    /** Whether the PBX hook stored {@code binding} (its REGISTERs went elsewhere). */
    public static boolean isHookBinding(Binding binding) {
        return HOOK_SOURCE.equals(binding.source());
    }

    /**
     * @param defaultTimeout  how long a wake waits when the caller names no timeout
     * @param maxTimeout      the longest wait allowed; longer ones are shortened to it
     * @param bindingLifetime how long a hook binding lives after the last wake that gave its contact
     * @param dedupeWindow    how long after a wake another with the same call id still joins it
     * @param maxPending      wakes pending at once; more are refused
     */
    public record Settings(Duration defaultTimeout, Duration maxTimeout, Duration bindingLifetime, Duration dedupeWindow,
            int maxPending) {
        /** The defaults, waiting {@code callTimeout} ({@code push.call-timeout}) unless told otherwise. */
        public static Settings defaults(Duration callTimeout) {
            Duration max = Duration.ofMinutes(2);
            return new Settings(callTimeout, callTimeout.compareTo(max) > 0 ? callTimeout : max, Duration.ofDays(30),
                    Duration.ofMinutes(1), 10_000);
        }
    }

    /**
     * One wake as the PBX asks for it.
     *
     * @param aor        the address-of-record; {@code sip:} is assumed when it has no scheme
     * @param contact    the registered contact as the PBX knows it, or null
     * @param callId     the call's id, the dedupe key (and the push's call id), or null
     * @param caller     the caller (a SIP URI or number) for the push, or null
     * @param callerName the caller's display name for the push, or null
     * @param waitForRegister answer only when the phone registered again (see the class comment)
     * @param timeout    how long to wait, or null for the default; capped at {@link Settings#maxTimeout()}
     */
    public record Request(String aor, String contact, String callId, String caller, String callerName,
            boolean waitForRegister, Duration timeout) {}

    /** How a wake ended. */
    public enum Outcome {
        /** With wait: the phone registered again through sipwake (or is connected now). */
        REGISTERED,
        /** The provider accepted the push (without wait, or for a phone whose REGISTERs go elsewhere). */
        ACCEPTED,
        /** Nothing to push: the AOR has no push binding and no usable contact was given. */
        NO_PUSH_BINDING,
        /** The provider refused the push, not because the token is dead (configuration, payload, ...). */
        REJECTED,
        /** The push could not be delivered to the provider. */
        FAILED,
        /** The provider said the token is dead: its binding was removed. */
        TOKEN_DEAD,
        /** With wait: the phone did not register within the timeout. */
        TIMEOUT;

        /** The outcome as the API and the CLI spell it: {@code token-dead}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * One push of a wake.
     *
     * @param provider    the push provider
     * @param param       the normalised pn-param, or null
     * @param sandbox     APNs development environment
     * @param token       the token pushed
     * @param hookBinding whether the device's binding came from the hook (its REGISTERs go elsewhere)
     * @param answer      the provider's answer, or null while it is pending
     * @param pruned      whether its binding was removed because the token is dead
     */
    public record Push(String provider, String param, boolean sandbox, PushToken token, boolean hookBinding, PushResult answer,
            boolean pruned) {}

    /**
     * The answer to one wake.
     *
     * @param outcome   how it ended
     * @param aor       the canonical AOR
     * @param callId    the call id given, or null
     * @param push      the push the outcome is about (the one accepted, rejected...), or null when nothing was pushed
     * @param pushes    every push of the wake, in order
     * @param elapsed   from this wake's request to its answer
     * @param duplicate whether this wake joined an earlier one with the same call id (no push of its own)
     * @param stored    whether this wake's contact was stored or refreshed as a hook binding (never for a duplicate)
     * @param message   what happened, for people: the reason for a 404, the provider's answer...
     */
    public record Result(Outcome outcome, String aor, String callId, Push push, List<Push> pushes, Duration elapsed,
            boolean duplicate, boolean stored, String message) {}

    private final LocationService locations;
    private final PushDispatcher pushes;
    private final ScheduledExecutorService timers;
    private final Clock clock;
    private final Settings settings;
    private final Predicate<Binding> connectedNow;
    /** Wakes with a call id, by AOR and call id, until their dedupe window has passed. */
    private final Map<String, Attempt> byCall = new ConcurrentHashMap<>();
    /** Wakes that wait for a REGISTER, by AOR. */
    private final Map<String, Set<Attempt>> watching = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
    private volatile ProxyMetrics metrics = ProxyMetrics.NOOP;

    /**
     * @param connectedNow whether a device is reachable now without a push: its REGISTER came over a connection
     *                     (TCP, TLS, WebSocket) that is still open
     */
    public HookWake(LocationService locations, PushDispatcher pushes, ScheduledExecutorService timers, Clock clock, Settings settings,
            Predicate<Binding> connectedNow) {
        this.locations = locations;
        this.pushes = pushes;
        this.timers = timers;
        this.clock = clock;
        this.settings = settings;
        this.connectedNow = connectedNow;
        locations.addListener(this::bindingsChanged);
    }

    /** Reports pushes, their answers, wake latencies and pruned tokens to {@code metrics} (no-op by default). */
    public void setMetrics(ProxyMetrics metrics) {
        this.metrics = metrics == null ? ProxyMetrics.NOOP : metrics;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * The canonical AOR ({@code sip:user@host}) of what a PBX passes: a SIP or SIPS URI, {@code sip:} assumed.
     *
     * @throws IllegalArgumentException when it is no SIP URI with a user part
     */
    public static String addressOfRecord(String text) {
        String aor = text == null ? "" : text.strip();
        if (aor.isEmpty()) throw new IllegalArgumentException("empty address-of-record");
        String lower = aor.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("sip:") && !lower.startsWith("sips:")) aor = "sip:" + aor;
        SipUri uri;
        try {
            uri = SipUri.parse(aor);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a SIP address-of-record (sip:user@host): " + e.getMessage());
        }
        if (uri.user() == null || uri.user().isEmpty()) throw new IllegalArgumentException("the address-of-record has no user part (sip:user@host)");
        return Registrar.addressOfRecord(uri);
    }

    /** The timeout a wake gets: the default for null, at most {@link Settings#maxTimeout()}; positive. */
    public Duration effectiveTimeout(Duration requested) {
        if (requested == null) return settings.defaultTimeout();
        if (requested.isNegative() || requested.isZero()) throw new IllegalArgumentException("the timeout must be positive");
        return requested.compareTo(settings.maxTimeout()) > 0 ? settings.maxTimeout() : requested;
    }

    /**
     * Wakes the phone(s) of {@code request.aor()}. Never blocks; the future never completes exceptionally.
     *
     * @throws IllegalArgumentException    when the AOR or the timeout is unusable (see {@link #addressOfRecord})
     * @throws RejectedExecutionException  when {@link Settings#maxPending()} wakes are pending
     */
    public CompletableFuture<Result> wake(Request request) {
        long startNanos = System.nanoTime();
        String aor = addressOfRecord(request.aor());
        Duration timeout = effectiveTimeout(request.timeout());
        String callId = request.callId() == null || request.callId().isBlank() ? null : request.callId().strip();
        if (pending.get() >= settings.maxPending()) throw new RejectedExecutionException(pending.get() + " wakes are pending");
        Attempt attempt;
        boolean duplicate;
        synchronized (byCall) {
            Attempt earlier = callId == null ? null : byCall.get(key(aor, callId));
            duplicate = earlier != null;
            attempt = duplicate ? earlier : prepare(aor, callId, request, timeout);
            attempt.requests++;
        }
        if (!duplicate) attempt.start();
        return join(attempt, request.waitForRegister(), timeout, startNanos, duplicate);
    }

    private static String key(String aor, String callId) {
        return aor + "\n" + callId;
    }

    /** Finds (and stores) what to push. Runs under the dedupe lock: quick, no I/O (the store write is asynchronous). */
    private Attempt prepare(String aor, String callId, Request request, Duration timeout) {
        long now = clock.millis();
        List<Binding> current = locations.lookup(aor);
        List<Binding> devices = new ArrayList<>();
        String contactProblem = null;
        boolean stored = false;
        if (request.contact() != null && !request.contact().isBlank()) {
            HookContact.Result parsed = HookContact.parse(request.contact(), aor);
            if (parsed instanceof HookContact.Unusable unusable) {
                contactProblem = unusable.reason();
            } else if (parsed instanceof HookContact.Usable usable) {
                PushParameters push = usable.push();
                if (!pushes.providers().contains(push.provider())) {
                    contactProblem = "its push provider '" + push.provider() + "' is not configured here (configured: "
                            + String.join(", ", new java.util.TreeSet<>(pushes.providers())) + ")";
                } else {
                    Binding registered = null;
                    for (Binding b : current) {
                        PushParameters p = Registrar.pushParameters(b);
                        if (!isHookBinding(b) && p != null && p.sharesTokenWith(push)) registered = b;
                    }
                    if (registered != null) {
                        devices.add(registered); // the phone registers through sipwake: its own binding is the better one
                    } else {
                        Binding hook = new Binding(aor, HOOK_SOURCE + ":" + usable.uriKey(), usable.contact(), usable.instanceId(), null,
                                Binding.NO_Q, "sipwake-hook", 0, now + settings.bindingLifetime().toMillis(), null, null, HOOK_SOURCE,
                                null, now);
                        store(aor, hook);
                        stored = true;
                        devices.add(hook);
                    }
                }
            }
        }
        if (devices.isEmpty()) {
            for (Binding b : current) {
                if (Registrar.pushParameters(b) != null) devices.add(b);
            }
        }
        String note = contactProblem == null ? null : "the contact given is unusable: " + contactProblem;
        Attempt a = new Attempt(aor, callId, request, timeout, now, stored, note);
        if (devices.isEmpty()) {
            a.nothingToPush = (note == null ? "" : note + "; ") + (current.isEmpty() ? "no bindings for " + aor
                    : "no push binding for " + aor + " (" + current.size() + " binding(s) without push parameters)");
        }
        for (Binding b : devices) {
            PushParameters p = Registrar.pushParameters(b);
            PushToken token = p.tokenFor(io.sipwake.proxy.push.PushKind.CALL).orElseThrow(); // a call may use any token
            a.targets.add(new Target(b, p, token, !isHookBinding(b)));
        }
        if (callId != null && a.nothingToPush == null) byCall.put(key(aor, callId), a); // a later wake may bring a contact
        return a;
    }

    /**
     * Replaces the hook binding of the same device (same token or same contact URI) by {@code hook}. The write is
     * asynchronous: the push does not wait for the disk.
     */
    private void store(String aor, Binding hook) {
        PushParameters push = Registrar.pushParameters(hook);
        locations.update(aor, current -> {
            List<Binding> next = new ArrayList<>(current.size() + 1);
            for (Binding b : current) {
                boolean sameDevice = isHookBinding(b) && (b.bindingKey().equals(hook.bindingKey())
                        || Optional.ofNullable(Registrar.pushParameters(b)).map(p -> p.sharesTokenWith(push)).orElse(false));
                if (!sameDevice) next.add(b);
            }
            next.add(hook);
            return next;
        }).whenComplete((stored, error) -> {
            if (error != null) log.warn("hook: could not store the binding of {}: {}", aor, error.toString());
        });
    }

    /** The future of one wake request on {@code a}: its own wait and timeout, decided on every change of {@code a}. */
    private CompletableFuture<Result> join(Attempt a, boolean wait, Duration timeout, long startNanos, boolean duplicate) {
        pending.incrementAndGet();
        CompletableFuture<Result> out = new CompletableFuture<>();
        Consumer<Attempt> check = attempt -> decide(attempt, wait).ifPresent(d -> out.complete(d.toResult(attempt, startNanos, duplicate)));
        ScheduledFuture<?> timer = timers.schedule(() -> out.complete(timedOut(a, wait, timeout).toResult(a, startNanos, duplicate)),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        out.whenComplete((result, error) -> {
            timer.cancel(false);
            a.watchers.remove(check);
            pending.decrementAndGet();
            finished(a);
            log.info("hook wake {}{}{}: {} in {} ms{}", result.aor(), result.callId() == null ? "" : " call " + result.callId(),
                    duplicate ? " (joined)" : "", result.outcome().label(), result.elapsed().toMillis(),
                    result.push() == null ? "" : " via " + result.push().provider() + " " + result.push().token());
        });
        a.watchers.add(check);
        check.accept(a);
        return out;
    }

    /** What one request's answer is now, or empty while it must wait. */
    private Optional<Decision> decide(Attempt a, boolean wait) {
        if (a.nothingToPush != null) return Optional.of(new Decision(Outcome.NO_PUSH_BINDING, null, a.nothingToPush));
        if (!a.started) return Optional.empty();
        if (wait) {
            for (Target t : a.targets) {
                if (t.registered) return Optional.of(new Decision(Outcome.REGISTERED, t, t.connected
                        ? "the phone is connected to sipwake now" : "the phone registered again"));
            }
            for (Target t : a.targets) {
                if (!t.viaSipwake && t.answer instanceof PushResult.Accepted) {
                    return Optional.of(new Decision(Outcome.ACCEPTED, t, "push accepted; the phone registers with the PBX, not through sipwake"));
                }
            }
        } else {
            for (Target t : a.targets) {
                if (t.answer instanceof PushResult.Accepted) return Optional.of(new Decision(Outcome.ACCEPTED, t, "push accepted"));
            }
        }
        Target rejected = null;
        Target failed = null;
        Target dead = null;
        for (Target t : a.targets) {
            PushResult answer = t.answer;
            if (answer == null || answer instanceof PushResult.Accepted) return Optional.empty(); // pending, or waiting for its REGISTER
            if (answer instanceof PushResult.Rejected r) {
                if (r.tokenIsDead()) {
                    if (dead == null) dead = t;
                } else if (rejected == null) {
                    rejected = t;
                }
            } else if (failed == null) {
                failed = t;
            }
        }
        if (rejected != null) return Optional.of(new Decision(Outcome.REJECTED, rejected, "the push provider refused the push"));
        if (failed != null) return Optional.of(new Decision(Outcome.FAILED, failed, "the push could not be delivered to the provider"));
        return Optional.of(new Decision(Outcome.TOKEN_DEAD, dead, "the push token is dead; its binding was removed"));
    }

    private Decision timedOut(Attempt a, boolean wait, Duration timeout) {
        Target about = null;
        for (Target t : a.targets) {
            if (about == null || about.answer == null && t.answer != null || t.answer instanceof PushResult.Accepted && !(about.answer instanceof PushResult.Accepted)) {
                about = t;
            }
        }
        String seconds = timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
        if (wait) return new Decision(Outcome.TIMEOUT, about, "the phone did not register within " + seconds);
        return new Decision(Outcome.FAILED, about, "no answer from the push provider within " + seconds);
    }

    private void finished(Attempt a) {
        synchronized (byCall) {
            a.requests--;
            a.lastFinished = System.nanoTime();
        }
        long window = a.callId == null ? 0 : settings.dedupeWindow().toMillis();
        timers.schedule(() -> forgetIfIdle(a), window, TimeUnit.MILLISECONDS);
    }

    private void forgetIfIdle(Attempt a) {
        synchronized (byCall) {
            if (a.requests > 0) return;
            if (a.callId != null && System.nanoTime() - a.lastFinished < settings.dedupeWindow().toNanos()) return; // joined again since
            if (a.callId != null) byCall.remove(key(a.aor, a.callId), a);
        }
        watching.computeIfPresent(a.aor, (k, set) -> {
            set.remove(a);
            return set.isEmpty() ? null : set;
        });
    }

    /** The location service's listener: a REGISTER through sipwake may be the awaited one. */
    private void bindingsChanged(String aor, List<Binding> bindings) {
        Set<Attempt> attempts = watching.get(aor);
        if (attempts == null) return;
        for (Attempt a : attempts) {
            boolean changed = false;
            for (Target t : a.targets) {
                if (t.registered || PushBucket.reRegistration(t.binding, t.push, a.startedAtMillis, bindings) == null) continue;
                t.registered = true;
                changed = true;
                long sent = t.sentNanos;
                if (sent != 0) metrics.wakeLatency(Duration.ofNanos(System.nanoTime() - sent));
            }
            if (changed) a.changed();
        }
    }

    private record Decision(Outcome outcome, Target about, String message) {
        Result toResult(Attempt a, long startNanos, boolean duplicate) {
            List<Push> all = new ArrayList<>(a.targets.size());
            for (Target t : a.targets) all.add(t.view());
            String text = message;
            if (a.note != null && outcome != Outcome.NO_PUSH_BINDING) text = text + " (" + a.note + "; pushed the stored binding(s))";
            return new Result(outcome, a.aor, a.callId, about == null ? null : about.view(), List.copyOf(all),
                    Duration.ofNanos(System.nanoTime() - startNanos), duplicate, a.stored && !duplicate, text);
        }
    }

    /** One wake of one AOR and (with a call id) one call: its pushes, shared by every request that joins it. */
    private final class Attempt {
        final String aor;
        final String callId;
        final Request request;
        final Duration timeout;
        final long startedAtMillis;
        final boolean stored;
        final String note;
        final List<Target> targets = new ArrayList<>();
        final List<Consumer<Attempt>> watchers = new CopyOnWriteArrayList<>();
        String nothingToPush;
        volatile boolean started;
        int requests; // guarded by byCall
        long lastFinished; // guarded by byCall

        Attempt(String aor, String callId, Request request, Duration timeout, long startedAtMillis, boolean stored, String note) {
            this.aor = aor;
            this.callId = callId;
            this.request = request;
            this.timeout = timeout;
            this.startedAtMillis = startedAtMillis;
            this.stored = stored;
            this.note = note;
        }

        /** Sends the pushes; devices connected now count as registered at once. */
        void start() {
            // hook-only devices too: one that starts registering through sipwake counts as registered
            watching.computeIfAbsent(aor, k -> ConcurrentHashMap.newKeySet()).add(this);
            Instant now = clock.instant();
            String uuid = callId == null ? UUID.randomUUID().toString() : UUID.nameUUIDFromBytes(callId.getBytes(StandardCharsets.UTF_8)).toString();
            for (Target t : targets) {
                if (t.viaSipwake && connectedNow.test(t.binding)) {
                    t.connected = true;
                    t.registered = true;
                }
                PushRequest push = new PushRequest(t.push.provider(), t.push.param(), t.push.senderPrid(t.token), t.push.sandbox(),
                        PushKind.CALL, now.plus(timeout), callId, uuid, blankToNull(request.caller()), blankToNull(request.callerName()),
                        false, now, callId);
                t.sentNanos = System.nanoTime();
                pushes.send(push, metrics).whenComplete((result, error) -> answered(t, result != null ? result
                        : new PushResult.Failed(String.valueOf(error), error)));
            }
            started = true;
            changed();
        }

        private void answered(Target t, PushResult result) {
            if (result instanceof PushResult.Rejected r && r.tokenIsDead()) {
                String key = t.binding.bindingKey();
                locations.update(aor, current -> current.stream().filter(b -> !b.bindingKey().equals(key)).toList());
                metrics.deadTokenPruned(t.push.provider());
                t.pruned = true;
                log.info("hook: {} said the token {} of {} is dead ({} {}): binding removed", t.push.provider(), t.token, aor,
                        r.status(), r.reason());
            }
            t.answer = result;
            changed();
        }

        void changed() {
            for (Consumer<Attempt> w : watchers) w.accept(this);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** One device pushed by an attempt. */
    private static final class Target {
        final Binding binding;
        final PushParameters push;
        final PushToken token;
        final boolean viaSipwake;
        volatile PushResult answer;
        volatile boolean registered;
        volatile boolean connected;
        volatile boolean pruned;
        volatile long sentNanos;

        Target(Binding binding, PushParameters push, PushToken token, boolean viaSipwake) {
            this.binding = binding;
            this.push = push;
            this.token = token;
            this.viaSipwake = viaSipwake;
        }

        Push view() {
            return new Push(push.provider(), push.param(), push.sandbox(), token, !viaSipwake, answer, pruned);
        }
    }
}

package io.sipwake.push.apns;

import io.sipwake.push.RetryPolicy;
import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.sipwake.push.PushRequest;
import io.sipwake.push.PushResult;
import io.sipwake.push.PushSender;
import io.sipwake.push.Tokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends RFC 8599 pushes to Apple's APNs over HTTP/2 with token authentication (Pushy).
 *
 * <h2>Lifecycle and threading</h2>
 * One instance serves every configured team and both environments. It keeps one long-lived Pushy
 * {@link ApnsClient} per (team, environment), created on first use and reused; all clients share one Netty
 * event loop group, which also runs the deadline and retry timers, so no thread ever waits. It is thread-safe.
 * {@link #close()} closes the clients (waiting up to the graceful-shutdown timeout for pushes in flight) and ends
 * every push still pending with {@link PushResult.Failed}. Signing keys are loaded in the constructor, so a bad
 * {@code .p8} path fails at start-up, not at the first call.
 *
 * <p>The returned futures never complete exceptionally and complete on an APNs event-loop thread: do not block
 * in stages chained to them (use the {@code *Async} variants for blocking work such as pruning a binding).
 *
 * <h2>From request to APNs</h2>
 * {@code pn-param} ({@code <TeamID>.<bundle id>[.voip|.remote|.voip&remote]}) selects the team, whose key signs
 * the JWT, and the bare bundle id; the team in pn-param must own the bundle, and when it does not (e.g.
 * liblinphone's default {@code ABCD1234} leaking into real contacts) the team that lists the bundle is used.
 * {@code pn-prid} may be one token, or Linphone's {@code tok:voip&tok:remote}: a call uses the {@code voip} token,
 * everything else the {@code remote} one. {@code pn-provider=apns.dev} or {@link PushRequest#sandbox()} selects the
 * sandbox environment.
 *
 * <table>
 *   <caption>Headers per push kind</caption>
 *   <tr><th>kind</th><th>apns-push-type</th><th>apns-topic</th><th>apns-priority</th></tr>
 *   <tr><td>CALL (PushKit or unlabelled token)</td><td>voip</td><td>{@code <bundle>.voip}</td><td>10</td></tr>
 *   <tr><td>CALL (binding has only a remote token)</td><td>alert</td><td>{@code <bundle>}</td><td>10</td></tr>
 *   <tr><td>MESSAGE, MISSED_CALL, CALL_CANCELLED</td><td>alert</td><td>{@code <bundle>}</td><td>10</td></tr>
 *   <tr><td>REGISTRATION_REFRESH</td><td>background</td><td>{@code <bundle>}</td><td>5</td></tr>
 * </table>
 * Never a VoIP push for anything but a call (iOS kills apps that get VoIP pushes they do not report to CallKit).
 * {@code apns-expiration} is the request's deadline (APNs drops the push after it); {@code apns-collapse-id} is the
 * request's collapse key, else its Call-ID, replaced by its SHA-256 in hex when longer than 64 bytes.
 *
 * <h2>Payload</h2>
 * <pre>{@code
 * {
 *   "aps": {},                       // VoIP: empty. Alert: {"alert":{"title","body"}, "sound":"default"}
 *                                    // (+ "mutable-content":1 for MESSAGE). Background: {"content-available":1}
 *   "kind": "call",                  // call | message | missed-call | call-cancelled | registration-refresh
 *   "call-id": "a84b4c76e66710",     // SIP Call-ID of the held request (absent when none)
 *   "uuid": "5e1c0c8e-...",          // CallKit UUID: the request's, else derived from the Call-ID (same on all devices)
 *   "caller": "sip:alice@example.com",
 *   "caller-name": "Alice",          // absent when there is no display name
 *   "video": false,                  // call, missed-call and call-cancelled only
 *   "sent-at": 1767225600000,        // epoch ms when sipwake sent the push: the app can spot a stale push
 *   "deadline": 1767225630000        // epoch ms after which the call is gone: the app must not ring after it
 * }
 * }</pre>
 * The payload stays within 5120 bytes for VoIP and 4096 otherwise: the display name is cut first ("…"), then the
 * caller URI. Alert texts are English ("Missed call from Alice"); localisation is the app's job (mutable-content).
 *
 * <h2>Outcomes</h2>
 * <table>
 *   <caption>APNs answer to {@link PushResult}</caption>
 *   <tr><th>APNs</th><th>result</th></tr>
 *   <tr><td>200</td><td>{@code Accepted(apns-id, 200)}</td></tr>
 *   <tr><td>410 Unregistered</td><td>{@code Rejected(tokenIsDead, invalidatedAt = APNs timestamp)}</td></tr>
 *   <tr><td>400 BadDeviceToken</td><td>probing on (default): the same push goes once to the other environment;
 *       accepted there gives {@code Accepted} (and a warning that pn-provider is wrong); BadDeviceToken or
 *       Unregistered there too gives {@code Rejected(tokenIsDead)}; an operator error there gives
 *       {@code Rejected(operatorError)}; no answer gives {@code Rejected} (neither). Probing off: dead.</td></tr>
 *   <tr><td>DeviceTokenNotForTopic, TopicDisallowed, BadTopic, 403 (InvalidProviderToken, MissingProviderToken,
 *       BadCertificate*, Forbidden, ...)</td><td>{@code Rejected(operatorError)}, token kept</td></tr>
 *   <tr><td>403 ExpiredProviderToken</td><td>retried once on a fresh connection and JWT, then operator error</td></tr>
 *   <tr><td>429, 500, 503, IdleTimeout, connection failure</td><td>retried with exponential backoff and jitter
 *       while attempts remain and the next attempt can start before the deadline; then {@code Failed}</td></tr>
 *   <tr><td>other 4xx (payload, headers)</td><td>{@code Rejected}, neither dead nor operator error</td></tr>
 *   <tr><td>refused before sending</td><td>{@code Rejected} with status 0: {@code UnknownApp} (operator error),
 *       {@code MalformedPushParameters}, {@code NoRemoteToken}, {@code PayloadTooLarge},
 *       {@code UnsupportedProvider} (operator error)</td></tr>
 *   <tr><td>deadline reached, sender closed</td><td>{@code Failed}</td></tr>
 * </table>
 * Rejections and failures are logged at WARN with the reason and what to check; tokens only ever appear redacted.
 */
public final class ApnsPushSender implements PushSender {

    private static final Logger log = LoggerFactory.getLogger(ApnsPushSender.class);

    private final ApnsSettings settings;
    private final Map<String, LoadedTeam> teamsById;
    private final Map<String, LoadedTeam> teamsByBundle;
    private final EventLoopGroup eventLoopGroup;
    private final ConcurrentMap<ClientKey, ApnsClient> clients = new ConcurrentHashMap<>();
    private final Set<SendOperation> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private record LoadedTeam(ApnsSettings.Team team, ApnsSigningKey signingKey) {
        String id() {
            return team.teamId();
        }
    }

    private record ClientKey(String teamId, boolean sandbox) {}

    /** What one request resolved to before anything is sent. */
    private record Plan(LoadedTeam team, boolean sandbox, String token, ApnsContent content) {}

    /** A request refused before sending; carries the result to return. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient PushResult.Rejected result;

        Refused(String reason, boolean operatorError, String detail) {
            super(detail, null, false, false);
            this.result = new PushResult.Rejected(0, reason, false, operatorError, null);
        }
    }

    /**
     * Loads every team's signing key and prepares the event loop; no connection is opened until the first push.
     *
     * @throws IllegalArgumentException when a signing key or a trusted-certificate file cannot be read
     */
    public ApnsPushSender(ApnsSettings settings) {
        this.settings = java.util.Objects.requireNonNull(settings, "settings");
        Map<String, LoadedTeam> byId = new HashMap<>();
        Map<String, LoadedTeam> byBundle = new HashMap<>();
        for (ApnsSettings.Team team : settings.teams()) {
            LoadedTeam loaded = new LoadedTeam(team, loadKey(team));
            byId.put(team.teamId(), loaded);
            for (String bundle : team.bundleIds()) byBundle.put(bundle, loaded);
        }
        for (boolean sandbox : new boolean[] {false, true}) {
            ApnsSettings.Endpoint endpoint = settings.endpoint(sandbox);
            if (endpoint.trustedServerCertificate() != null && !Files.isReadable(endpoint.trustedServerCertificate())) {
                throw new IllegalArgumentException("APNs " + envName(sandbox) + ": cannot read trusted certificate "
                        + endpoint.trustedServerCertificate());
            }
        }
        this.teamsById = Map.copyOf(byId);
        this.teamsByBundle = Map.copyOf(byBundle);
        this.eventLoopGroup = newEventLoopGroup(settings.connection().eventLoopThreads());
    }

    // Pushy 0.15 picks its channel classes by the event loop group's class name and knows NioEventLoopGroup
    // (deprecated in Netty 4.2 but supported), not 4.2's MultiThreadIoEventLoopGroup.
    @SuppressWarnings("deprecation")
    private static EventLoopGroup newEventLoopGroup(int threads) {
        return new NioEventLoopGroup(threads, new DefaultThreadFactory("sipwake-apns", true));
    }

    private static ApnsSigningKey loadKey(ApnsSettings.Team team) {
        try {
            return ApnsSigningKey.loadFromPkcs8File(team.signingKeyFile().toFile(), team.teamId(), team.keyId());
        } catch (IOException | NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalArgumentException("APNs team " + team.teamId() + ": cannot load signing key "
                    + team.keyId() + " from " + team.signingKeyFile() + ": " + e.getMessage(), e);
        }
    }

    /** {@code apns} and Linphone's {@code apns.dev} (sandbox). */
    @Override
    public Set<String> providers() {
        return Set.of("apns", "apns.dev");
    }

    /** The settings this sender was built with. */
    public ApnsSettings settings() {
        return settings;
    }

    /** How many Pushy clients are open: at most one per (team, environment) that has been used. */
    public int openClientCount() {
        return clients.size();
    }

    @Override
    public CompletableFuture<PushResult> send(PushRequest request) {
        try {
            if (closed.get()) {
                return CompletableFuture.completedFuture(new PushResult.Failed("APNs sender is closed", null));
            }
            Plan plan;
            try {
                plan = plan(request);
            } catch (Refused refused) {
                log.warn("APNs {} push to {} not sent: {} ({})", kind(request), redactPrid(request.prid()),
                        refused.result.reason(), refused.getMessage());
                return CompletableFuture.completedFuture(refused.result);
            }
            if (!request.deadline().isAfter(Instant.now())) {
                log.warn("APNs {} push to {} not sent: its deadline {} has passed", kind(request),
                        Tokens.redact(plan.token()), request.deadline());
                return CompletableFuture.completedFuture(
                        new PushResult.Failed("deadline passed before the push was sent", null));
            }
            SendOperation op = new SendOperation(request, plan);
            inFlight.add(op);
            op.start();
            return op.result;
        } catch (RuntimeException e) {
            log.error("APNs {} push to {}: internal error", kind(request), request == null ? null : redactPrid(request.prid()), e);
            return CompletableFuture.completedFuture(new PushResult.Failed("internal error: " + e, e));
        }
    }

    private Plan plan(PushRequest request) throws Refused {
        String provider = request.provider().toLowerCase(Locale.ROOT);
        if (!providers().contains(provider)) {
            throw new Refused("UnsupportedProvider", true, "pn-provider " + request.provider() + " is not APNs");
        }
        boolean sandbox = request.sandbox() || provider.equals("apns.dev");
        ApnsTarget.Param param;
        List<ApnsTarget.Token> tokens;
        try {
            param = ApnsTarget.parseParam(request.param());
            tokens = ApnsTarget.parsePrid(request.prid(), param.services());
        } catch (IllegalArgumentException e) {
            throw new Refused("MalformedPushParameters", false, e.getMessage());
        }
        LoadedTeam team;
        String bundle;
        LoadedTeam named = param.teamId() == null ? null : teamsById.get(param.teamId());
        if (named != null && named.team().bundleIds().contains(param.bundleId())) {
            team = named;
            bundle = param.bundleId();
        } else if (teamsByBundle.containsKey(param.bundleId())) {
            bundle = param.bundleId();
            team = teamsByBundle.get(bundle);
            log.debug("APNs pn-param names team {} but bundle {} is configured under team {}; using that team",
                    param.teamId(), bundle, team.id());
        } else if (teamsByBundle.containsKey(param.withoutServices())) {
            bundle = param.withoutServices();
            team = teamsByBundle.get(bundle);
        } else {
            throw new Refused("UnknownApp", true, "no configured team lists the app of pn-param " + request.param()
                    + "; add its bundle id to the team's bundle ids");
        }
        ApnsTarget.Choice choice = ApnsTarget.choose(tokens, request.kind());
        if (choice == null) {
            throw new Refused("NoRemoteToken", false, "the binding only has a PushKit (voip) token, and a VoIP push"
                    + " may only announce a call, not " + request.kind());
        }
        ApnsContent content;
        try {
            content = ApnsContent.of(request, bundle, choice.voip());
        } catch (ApnsContent.TooLargeException e) {
            throw new Refused("PayloadTooLarge", false, e.getMessage());
        }
        return new Plan(team, sandbox, choice.token().value(), content);
    }

    private ApnsClient client(LoadedTeam team, boolean sandbox) {
        ClientKey key = new ClientKey(team.id(), sandbox);
        ApnsClient client = clients.get(key);
        if (client == null) {
            client = clients.computeIfAbsent(key, k -> newClient(team, sandbox));
        }
        if (closed.get()) {
            client.close();
            throw new IllegalStateException("APNs sender is closed");
        }
        return client;
    }

    private ApnsClient newClient(LoadedTeam team, boolean sandbox) {
        ApnsSettings.Endpoint endpoint = settings.endpoint(sandbox);
        ApnsSettings.Connection c = settings.connection();
        ApnsClientBuilder builder = new ApnsClientBuilder()
                .setApnsServer(endpoint.host(), endpoint.port())
                .setSigningKey(team.signingKey())
                .setEventLoopGroup(eventLoopGroup)
                .setConcurrentConnections(c.concurrentConnections())
                .setConnectionTimeout(c.connectTimeout())
                .setIdlePingInterval(c.idlePingInterval())
                .setGracefulShutdownTimeout(c.gracefulShutdownTimeout());
        if (endpoint.trustedServerCertificate() != null) {
            builder.setTrustedServerCertificateChain(endpoint.trustedServerCertificate().toFile());
        }
        try {
            ApnsClient client = builder.build();
            log.info("APNs client for team {} ({}, {}) created", team.id(), envName(sandbox), endpoint);
            return client;
        } catch (SSLException e) {
            throw new UncheckedIOException("cannot set up TLS for APNs " + endpoint, e);
        }
    }

    /**
     * Closes every client, waiting up to the graceful-shutdown timeout for pushes in flight; pushes still pending
     * afterwards end as {@link PushResult.Failed}. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (ApnsClient client : clients.values()) closing.add(client.close());
        long waitMillis = settings.connection().gracefulShutdownTimeout().toMillis() + 1000;
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("APNs clients did not close cleanly: {}", e.toString());
        }
        for (SendOperation op : List.copyOf(inFlight)) {
            op.finish(new PushResult.Failed("APNs sender closed", null));
        }
        clients.clear();
        eventLoopGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static String envName(boolean sandbox) {
        return sandbox ? "sandbox" : "production";
    }

    /** pn-prid for logs: each token redacted, labels kept ({@code abcd…wxyz:voip&1234…7890:remote}). */
    static String redactPrid(String prid) {
        if (prid == null) return null;
        StringBuilder out = new StringBuilder();
        for (String part : prid.split("&", -1)) {
            if (out.length() > 0) out.append('&');
            int colon = part.lastIndexOf(':');
            String label = colon >= 0 ? part.substring(colon + 1) : "";
            boolean known = label.equalsIgnoreCase("voip") || label.equalsIgnoreCase("remote");
            out.append(Tokens.redact(known ? part.substring(0, colon) : part));
            if (known) out.append(':').append(label);
        }
        return out.toString();
    }

    private static String kind(PushRequest request) {
        return request == null ? "?" : request.kind().name();
    }

    /** Backoff before retry number {@code attempt} (1 = the first retry): equal jitter over an exponential base. */
    static long backoffMillis(RetryPolicy retry, int attempt) {
        long initial = retry.initialBackoff().toMillis();
        long max = retry.maxBackoff().toMillis();
        int shift = Math.min(Math.max(attempt - 1, 0), 30);
        long base = Math.min(max, initial << shift);
        long half = base / 2;
        return half + ThreadLocalRandom.current().nextLong(base - half + 1);
    }

    /** One push, from the first attempt to its result. */
    private final class SendOperation {
        final PushRequest request;
        final Plan plan;
        final SimpleApnsPushNotification notification;
        final CompletableFuture<PushResult> result = new CompletableFuture<>();
        final AtomicBoolean finished = new AtomicBoolean();
        final AtomicInteger attempts = new AtomicInteger();
        volatile boolean expiredTokenRetried;
        volatile String lastProblem;
        volatile Throwable lastCause;
        volatile ScheduledFuture<?> deadlineTimer;

        SendOperation(PushRequest request, Plan plan) {
            this.request = request;
            this.plan = plan;
            ApnsContent c = plan.content();
            this.notification = new SimpleApnsPushNotification(plan.token(), c.topic(), c.payload(),
                    request.deadline(), c.priority(), c.pushType(), c.collapseId());
        }

        void start() {
            long untilDeadline = Math.max(0, Duration.between(Instant.now(), request.deadline()).toMillis());
            try {
                deadlineTimer = eventLoopGroup.schedule(this::deadlineReached, untilDeadline, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) { // close() raced with send()
                finish(new PushResult.Failed("APNs sender closed", null));
                return;
            }
            attempt();
        }

        private void attempt() {
            if (finished.get()) return;
            if (closed.get()) {
                finish(new PushResult.Failed("APNs sender closed", lastCause));
                return;
            }
            attempts.incrementAndGet();
            sendTo(plan.sandbox(), false);
        }

        private void sendTo(boolean sandbox, boolean probe) {
            ApnsClient client;
            try {
                client = client(plan.team(), sandbox);
            } catch (RuntimeException e) {
                finish(new PushResult.Failed("cannot open an APNs client: " + e.getMessage(), e));
                return;
            }
            client.sendNotification(notification).whenComplete((response, error) -> {
                try {
                    if (probe) onProbeAnswer(response, error);
                    else onAnswer(response, error);
                } catch (RuntimeException e) {
                    finish(new PushResult.Failed("internal error: " + e, e));
                }
            });
        }

        private void onAnswer(PushNotificationResponse<?> response, Throwable error) {
            if (finished.get()) return;
            if (error != null) {
                retryOrFail("no answer from APNs: " + describe(error), error);
                return;
            }
            int status = response.getStatusCode();
            String reason = response.getRejectionReason().orElse(null);
            switch (ApnsVerdict.of(response.isAccepted(), status, reason)) {
                case ACCEPTED -> accepted(response, plan.sandbox());
                case DEAD_TOKEN -> rejected(status, reason, true, false,
                        response.getTokenInvalidationTimestamp().orElse(null), "");
                case BAD_DEVICE_TOKEN -> {
                    if (settings.probeOtherEnvironment()) {
                        log.debug("APNs {} push to {}: BadDeviceToken in {}; asking {}", request.kind(), redacted(),
                                envName(plan.sandbox()), envName(!plan.sandbox()));
                        attempts.incrementAndGet();
                        sendTo(!plan.sandbox(), true);
                    } else {
                        rejected(status, reason, true, false, null,
                                ApnsVerdict.hint(reason, plan.team().id(), topic(), plan.sandbox()));
                    }
                }
                case OPERATOR_ERROR -> rejected(status, reason, false, true, null,
                        ApnsVerdict.hint(reason, plan.team().id(), topic(), plan.sandbox()));
                case EXPIRED_PROVIDER_TOKEN -> {
                    if (!expiredTokenRetried) {
                        expiredTokenRetried = true;
                        retryOrFail("APNs " + status + " " + reason, null);
                    } else {
                        rejected(status, reason, false, true, null,
                                ApnsVerdict.hint(reason, plan.team().id(), topic(), plan.sandbox()));
                    }
                }
                case TRANSIENT -> retryOrFail("APNs " + status + " " + reason, null);
                case REJECTED -> rejected(status, reason, false, false, null, "");
            }
        }

        /** The answer of the other environment after a BadDeviceToken (see the class Javadoc). */
        private void onProbeAnswer(PushNotificationResponse<?> response, Throwable error) {
            if (finished.get()) return;
            String env = envName(plan.sandbox());
            String other = envName(!plan.sandbox());
            if (error != null) {
                rejected(400, "BadDeviceToken", false, false, null,
                        "the token is not valid in " + env + " and " + other + " could not be asked (" + describe(error) + ")");
                return;
            }
            String reason = response.getRejectionReason().orElse(null);
            switch (ApnsVerdict.of(response.isAccepted(), response.getStatusCode(), reason)) {
                case ACCEPTED -> {
                    log.warn("APNs {} push to {}: token belongs to {} but the binding asked for {}; delivered via {}."
                                    + " The app registers with the wrong pn-provider (apns vs apns.dev)",
                            request.kind(), redacted(), other, env, other);
                    accepted(response, !plan.sandbox());
                }
                case DEAD_TOKEN, BAD_DEVICE_TOKEN -> rejected(400, "BadDeviceToken", true, false,
                        response.getTokenInvalidationTimestamp().orElse(null),
                        "the token is not valid in " + env + " nor in " + other + " (" + reason + ")");
                case OPERATOR_ERROR, EXPIRED_PROVIDER_TOKEN -> rejected(400, "BadDeviceToken", false, true, null,
                        "the token belongs to " + other + " (binding asked for " + env + ") and there APNs said "
                                + reason + ": " + ApnsVerdict.hint(reason, plan.team().id(), topic(), !plan.sandbox()));
                case TRANSIENT, REJECTED -> rejected(400, "BadDeviceToken", false, false, null,
                        "the token is not valid in " + env + "; " + other + " answered " + response.getStatusCode()
                                + " " + reason + ", so whether it is dead is unknown");
            }
        }

        private void retryOrFail(String problem, Throwable cause) {
            lastProblem = problem;
            lastCause = cause;
            int n = attempts.get();
            if (closed.get()) {
                finish(new PushResult.Failed("APNs sender closed; last: " + problem, cause));
                return;
            }
            if (n >= settings.retry().maxAttempts()) {
                finish(new PushResult.Failed(problem + " (gave up after " + n + " attempts)", cause));
                return;
            }
            long delay = backoffMillis(settings.retry(), n);
            if (!Instant.now().plusMillis(delay).isBefore(request.deadline())) {
                finish(new PushResult.Failed(problem + " (gave up after " + n
                        + " attempts: no time for another before the deadline)", cause));
                return;
            }
            log.debug("APNs {} push to {}: {}; retry {} in {} ms", request.kind(), redacted(), problem, n, delay);
            try {
                eventLoopGroup.schedule(this::attempt, delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                finish(new PushResult.Failed("APNs sender closed; last: " + problem, cause));
            }
        }

        private void deadlineReached() {
            String last = lastProblem == null ? "no answer from APNs yet" : "last: " + lastProblem;
            finish(new PushResult.Failed("deadline reached after " + attempts.get() + " attempt(s); " + last, lastCause));
        }

        private void accepted(PushNotificationResponse<?> response, boolean sandbox) {
            String apnsId = response.getApnsId() == null ? "" : response.getApnsId().toString();
            if (finished.compareAndSet(false, true)) {
                log.debug("APNs {} push to {} accepted ({}, topic {}, {}): apns-id {}, attempt {}", request.kind(),
                        redacted(), plan.team().id(), topic(), envName(sandbox), apnsId, attempts.get());
                complete(new PushResult.Accepted(apnsId, response.getStatusCode()));
            }
        }

        private void rejected(int status, String reason, boolean dead, boolean operator, Instant invalidatedAt, String hint) {
            if (finished.compareAndSet(false, true)) {
                log.warn("APNs rejected {} push to {} (team {}, topic {}, {}): {} {}{}{}{}", request.kind(), redacted(),
                        plan.team().id(), topic(), envName(plan.sandbox()), status, reason,
                        dead ? "; token is dead" + (invalidatedAt == null ? "" : " since " + invalidatedAt) : "",
                        operator ? "; operator error" : "",
                        hint == null || hint.isEmpty() ? "" : ": " + hint);
                complete(new PushResult.Rejected(status, reason, dead, operator, invalidatedAt));
            }
        }

        void finish(PushResult.Failed failure) {
            if (finished.compareAndSet(false, true)) {
                log.warn("APNs {} push to {} failed (team {}, topic {}, {}): {}", request.kind(), redacted(),
                        plan.team().id(), topic(), envName(plan.sandbox()), failure.reason());
                complete(failure);
            }
        }

        private void complete(PushResult r) {
            ScheduledFuture<?> timer = deadlineTimer;
            if (timer != null) timer.cancel(false);
            inFlight.remove(this);
            result.complete(r);
        }

        private String redacted() {
            return Tokens.redact(plan.token());
        }

        private String topic() {
            return plan.content().topic();
        }
    }

    private static String describe(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t && (t instanceof ExecutionException
                || t instanceof java.util.concurrent.CompletionException)) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}

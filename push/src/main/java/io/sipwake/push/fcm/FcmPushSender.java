package io.sipwake.push.fcm;

import static io.sipwake.push.SenderSupport.daemonThreads;
import static io.sipwake.push.SenderSupport.printable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import io.sipwake.push.PushRequest;
import io.sipwake.push.PushResult;
import io.sipwake.push.InFlightPushes;
import io.sipwake.push.PushSender;
import io.sipwake.push.Tokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends pushes through Firebase Cloud Messaging, HTTP v1 API ({@code pn-provider=fcm}).
 *
 * <h2>Contract</h2>
 * Long-lived and thread-safe: build one at startup, share it, {@link #close()} it at shutdown. {@link #send}
 * never blocks and never throws; its future always completes with a {@link PushResult} (also when the sender
 * is closed meanwhile). The constructor reads every service-account file and fails fast
 * ({@link IllegalArgumentException}) on a missing, unreadable or non-service-account file.
 *
 * <h2>Threads</h2>
 * HTTP goes through one {@link HttpClient} (HTTP/2 with ALPN, one multiplexed connection kept open) on the
 * sender's own daemon threads. OAuth2 tokens are fetched by the Google auth library, which blocks, on a small
 * pool with one thread per project, so a hanging token endpoint of one project never delays another. Retry
 * delays are timers on a scheduler thread; no thread ever sleeps.
 *
 * <h2>Project selection</h2>
 * The request's {@code pn-param} names the project by its project id (RFC 8599 §12) or by one of its numeric
 * sender ids (Linphone Android). With exactly one project configured, a missing {@code pn-param} selects it.
 * Anything else is {@code Rejected(status 0, "UNKNOWN_PROJECT", operatorError)} without any HTTP request.
 *
 * <h2>OAuth2</h2>
 * {@code ServiceAccountCredentials.fromStream(file).createScoped(firebase.messaging)}: the JWT-bearer grant to the
 * file's {@code token_uri}. The token is cached and replaced in the background {@code tokenRefreshMargin} before
 * it expires; pushes only wait for the token endpoint when there is no valid token at all (the wait is bounded
 * by {@code requestTimeout}). The library's own blocking retries are switched off; ours are bounded by the
 * push's deadline.
 *
 * <h2>Message</h2>
 * {@code POST {apiBaseUrl}/v1/projects/{projectId}/messages:send}, {@code Authorization: Bearer <token>}:
 * <pre>{@code
 * {"message":{"token":"<pn-prid>",
 *             "data":{"type":"call","call-id":"…","uuid":"…","caller":"sip:alice@example.com",
 *                     "caller-name":"Alice","video":"false","sent-at":"1764160000123","deadline":"1764160030123"},
 *             "android":{"priority":"high","ttl":"30s","collapse_key":"<call-id>","direct_boot_ok":true}}}
 * }</pre>
 * Always a data-only message (the app decides what to show). The {@code data} keys, all string values:
 * <table>
 * <caption>data keys</caption>
 * <tr><th>key</th><th>value</th><th>present</th></tr>
 * <tr><td>{@code type}</td><td>{@code call}, {@code message}, {@code call-cancelled}, {@code missed-call},
 *     {@code registration-refresh}</td><td>always</td></tr>
 * <tr><td>{@code call-id}</td><td>SIP Call-ID of the held request</td><td>when known</td></tr>
 * <tr><td>{@code uuid}</td><td>call UUID, stable across the caller's devices (ConnectionService)</td><td>when known</td></tr>
 * <tr><td>{@code caller}</td><td>caller's SIP URI (From)</td><td>when known</td></tr>
 * <tr><td>{@code caller-name}</td><td>caller's display name</td><td>when known</td></tr>
 * <tr><td>{@code video}</td><td>{@code true} / {@code false}</td><td>call, call-cancelled, missed-call</td></tr>
 * <tr><td>{@code sent-at}</td><td>when sipwake sent the push, Unix epoch milliseconds (compare with the
 *     device clock to spot stale pushes)</td><td>always</td></tr>
 * <tr><td>{@code deadline}</td><td>when the push stops being useful (the call stops ringing), epoch
 *     milliseconds</td><td>always</td></tr>
 * </table>
 * {@code android.priority} per kind from {@link FcmSettings#priorities()} (default: high for call, message and
 * missed call; normal for call-cancelled and registration-refresh). {@code ttl} is the whole seconds left until
 * the deadline (0 when it has passed: deliver now or never), at least {@code lingeringTtl} for missed-call and
 * registration-refresh. {@code collapse_key} is the request's collapse key, else the Call-ID for call-related
 * kinds (a cancel replaces an undelivered call push), else a fixed key for registration refreshes.
 *
 * <h2>Outcomes</h2>
 * <table>
 * <caption>FCM answers</caption>
 * <tr><th>answer</th><th>result</th></tr>
 * <tr><td>200</td><td>{@code Accepted(name)}, e.g. {@code projects/p/messages/0:1500415314455276%31bd1c96…}</td></tr>
 * <tr><td>404 {@code UNREGISTERED}</td><td>{@code Rejected}, tokenIsDead: the binding may be pruned</td></tr>
 * <tr><td>400 {@code INVALID_ARGUMENT}</td><td>{@code Rejected}, not dead, not operator error: FCM uses it both
 *     for a malformed token and for a malformed message, so it never prunes</td></tr>
 * <tr><td>403 {@code SENDER_ID_MISMATCH}, 401 {@code THIRD_PARTY_AUTH_ERROR}, 403 {@code PERMISSION_DENIED},
 *     404 without {@code UNREGISTERED} (wrong project / URL)</td><td>{@code Rejected}, operatorError, not dead</td></tr>
 * <tr><td>401 {@code UNAUTHENTICATED} (access token refused)</td><td>the token is dropped and the push retried
 *     once with a fresh token; then {@code Rejected}, operatorError</td></tr>
 * <tr><td>429 {@code QUOTA_EXCEEDED}, 500 {@code INTERNAL}, 503 {@code UNAVAILABLE}, other 5xx, 408, network
 *     errors, timeouts</td><td>retried with exponential backoff and jitter, at least {@code Retry-After}, while
 *     attempts remain and the next attempt starts before the deadline; then {@code Failed}</td></tr>
 * <tr><td>token endpoint 4xx ({@code invalid_grant}: bad signature, deleted key, unknown account…)</td><td>
 *     {@code Rejected(status of the token endpoint, "oauth2:invalid_grant")}, operatorError; remembered for 30 s
 *     so a broken key does not cost one token request per push</td></tr>
 * <tr><td>token endpoint 5xx / unreachable / slow</td><td>retried like a 503, then {@code Failed}</td></tr>
 * <tr><td>unknown {@code pn-param}, wrong {@code pn-provider}</td><td>{@code Rejected(0, …)}, operatorError,
 *     no HTTP</td></tr>
 * </table>
 * Rejections and failures are logged at WARN with the reason and FCM's message; tokens only ever appear
 * redacted ({@link Tokens#redact}).
 */
public final class FcmPushSender implements PushSender {

    private static final Logger log = LoggerFactory.getLogger(FcmPushSender.class);

    /** The OAuth2 scope FCM HTTP v1 needs. */
    public static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

    private final FcmSettings settings;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final FcmMessages messages;
    private final Map<String, ProjectClient> byName;
    private final List<ProjectClient> projects;
    private final ExecutorService httpExecutor;
    private final HttpClient http;
    private final ScheduledThreadPoolExecutor timers;
    private final ThreadPoolExecutor tokenExecutor;
    private final InFlightPushes inFlight = new InFlightPushes("FCM sender");

    /** A sender on the system clock. */
    public FcmPushSender(FcmSettings settings) {
        this(settings, Clock.systemUTC());
    }

    /**
     * A sender whose notion of "now" (ttl, deadlines, token expiry) comes from {@code clock}; tests move it.
     *
     * @throws IllegalArgumentException when a service-account file is missing, unreadable or not a service
     *                                  account key
     */
    public FcmPushSender(FcmSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.messages = new FcmMessages(json, settings);
        Map<String, ServiceAccountCredentials> credentials = new LinkedHashMap<>();
        for (FcmSettings.Project p : settings.projects()) credentials.put(p.projectId(), loadCredentials(p));

        int projectCount = settings.projects().size();
        this.tokenExecutor = new ThreadPoolExecutor(projectCount, projectCount, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemonThreads("sipwake-fcm-oauth"));
        this.tokenExecutor.allowCoreThreadTimeOut(true);
        this.timers = new ScheduledThreadPoolExecutor(1, daemonThreads("sipwake-fcm-retry"));
        this.timers.setRemoveOnCancelPolicy(true);
        this.httpExecutor = Executors.newCachedThreadPool(daemonThreads("sipwake-fcm-http"));
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .connectTimeout(settings.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(httpExecutor)
                .build();

        Map<String, ProjectClient> names = new HashMap<>();
        List<ProjectClient> all = new ArrayList<>();
        for (FcmSettings.Project p : settings.projects()) {
            ServiceAccountCredentials c = credentials.get(p.projectId());
            AccessTokens tokens = new AccessTokens(p.projectId(), c, tokenExecutor, clock,
                    settings.tokenRefreshMargin(), json);
            URI sendUri = URI.create(settings.apiBaseUrl() + "/v1/projects/" + p.projectId() + "/messages:send");
            ProjectClient client = new ProjectClient(p.projectId(), sendUri, tokens);
            all.add(client);
            names.put(p.projectId(), client);
            for (String sender : p.senderIds()) names.put(sender, client);
            log.info("FCM project {}: service account {}, sender ids {}, sending to {}", p.projectId(),
                    c.getClientEmail(), p.senderIds(), sendUri);
        }
        this.byName = Map.copyOf(names);
        this.projects = List.copyOf(all);
    }

    @Override
    public Set<String> providers() {
        return Set.of("fcm");
    }

    @Override
    public CompletableFuture<PushResult> send(PushRequest request) {
        if (inFlight.isClosed()) return CompletableFuture.completedFuture(new PushResult.Failed("FCM sender is closed", null));
        if (!"fcm".equals(request.provider().toLowerCase(Locale.ROOT))) {
            log.warn("FCM sender got a push for pn-provider={} ({}); refused", request.provider(), request);
            return CompletableFuture.completedFuture(
                    new PushResult.Rejected(0, "UNSUPPORTED_PROVIDER", false, true, null));
        }
        ProjectClient project = resolve(request.param());
        if (project == null) {
            log.warn("FCM rejected {} push to {}: pn-param '{}' names no configured project or sender id (configured: {}); "
                            + "operator error", request.kind(), request.redactedPrid(), printable(request.param()), byName.keySet());
            return CompletableFuture.completedFuture(new PushResult.Rejected(0, "UNKNOWN_PROJECT", false, true, null));
        }
        return inFlight.start(result -> new Delivery(request, project, result).attempt());
    }

    /** Stops all threads; pushes still in progress complete with {@code Failed}. Idempotent. */
    @Override
    public void close() {
        if (!inFlight.close()) return;
        timers.shutdownNow();
        tokenExecutor.shutdownNow();
        InFlightPushes.shutdownNow(http);
        httpExecutor.shutdownNow();
    }

    /**
     * Fetches an access token for every project now, so the first push does not wait for one and a broken key
     * shows up in the log at startup. Never blocks; the future completes (never exceptionally) when all
     * projects have answered, with the ids of the projects that got no token (refused or unreachable).
     */
    public CompletableFuture<Set<String>> warmUp() {
        Set<String> failed = ConcurrentHashMap.newKeySet();
        CompletableFuture<?>[] all = projects.stream()
                .map(p -> p.tokens().get().handle((token, error) -> error == null ? null : failed.add(p.id())))
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(all).thenApply(v -> Set.copyOf(failed));
    }

    /** How many times the token endpoint of {@code projectId} was asked; -1 for an unknown project. */
    long tokenFetches(String projectId) {
        ProjectClient p = byName.get(projectId);
        return p == null ? -1 : p.tokens().fetches();
    }

    private ProjectClient resolve(String param) {
        if (param == null || param.isBlank()) return projects.size() == 1 ? projects.get(0) : null;
        return byName.get(param.trim());
    }

    private static ServiceAccountCredentials loadCredentials(FcmSettings.Project p) {
        String where = "FCM project " + p.projectId() + ": service account file " + p.serviceAccountFile();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(p.serviceAccountFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(where + " cannot be read: " + e, e);
        }
        JsonNode node;
        try {
            node = new ObjectMapper().readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + " is not JSON. FCM HTTP v1 needs a service-account key "
                    + "(Firebase console → Project settings → Service accounts → Generate new private key); "
                    + "legacy server keys stopped working in 2024", e);
        }
        String type = node == null ? null : node.path("type").asText(null);
        if (!"service_account".equals(type)) {
            throw new IllegalArgumentException(where + " is not a service-account key (type=" + type + "). FCM HTTP v1 "
                    + "needs one (Firebase console → Project settings → Service accounts → Generate new private key)");
        }
        for (String field : new String[] {"client_email", "private_key"}) {
            if (!node.path(field).isTextual() || node.path(field).asText().isBlank()) {
                throw new IllegalArgumentException(where + " has no " + field);
            }
        }
        String fileProject = node.path("project_id").asText(null);
        if (fileProject != null && !fileProject.equals(p.projectId())) {
            log.warn("{} belongs to project {}; it must have been granted FCM rights on {} or sends will be refused",
                    where, fileProject, p.projectId());
        }
        try {
            GoogleCredentials scoped = ServiceAccountCredentials.fromStream(new ByteArrayInputStream(bytes))
                    .createScoped(List.of(SCOPE));
            return ((ServiceAccountCredentials) scoped).createWithCustomRetryStrategy(false);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(where + " is unusable: " + e.getMessage(), e);
        }
    }



    private record ProjectClient(String id, URI sendUri, AccessTokens tokens) {}

    private record Answer(String accessToken, HttpResponse<String> response) {}

    /** One push: its attempts, retries and final result. Attempts run one after another, never concurrently. */
    private final class Delivery {
        private final PushRequest request;
        private final ProjectClient project;
        private final CompletableFuture<PushResult> result;
        private volatile int attempts;
        private volatile boolean reauthenticated;
        private final AtomicBoolean finished = new AtomicBoolean();

        Delivery(PushRequest request, ProjectClient project, CompletableFuture<PushResult> result) {
            this.request = request;
            this.project = project;
            this.result = result;
        }

        void attempt() {
            if (result.isDone()) return;
            attempts++;
            long timeoutMs = settings.requestTimeout().toMillis();
            project.tokens().get().copy()
                    .orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                    .thenComposeAsync(this::post, httpExecutor)
                    // the JDK client completes on the common pool: come back to our own threads
                    .whenCompleteAsync(this::handle, httpExecutor);
        }

        private CompletableFuture<Answer> post(String accessToken) {
            HttpRequest httpRequest = HttpRequest.newBuilder(project.sendUri())
                    .timeout(settings.requestTimeout())
                    .header("Authorization", "Bearer " + accessToken)
                    .header("Content-Type", "application/json; charset=UTF-8")
                    .header("User-Agent", "sipwake")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(messages.body(request, clock.instant())))
                    .build();
            return http.sendAsync(httpRequest, HttpResponse.BodyHandlers.ofString())
                    .thenApply(response -> new Answer(accessToken, response));
        }

        private void handle(Answer answer, Throwable error) {
            if (result.isDone()) return;
            try {
                if (error != null) {
                    handleError(unwrap(error));
                    return;
                }
                HttpResponse<String> response = answer.response();
                FcmResponses.Verdict verdict = FcmResponses.classify(response.statusCode(), response.body(),
                        response.headers().firstValue("Retry-After").orElse(null), clock.instant(), json);
                if (verdict instanceof FcmResponses.Verdict.Done done) {
                    finish(done.result(), done.detail());
                } else if (verdict instanceof FcmResponses.Verdict.Retry retry) {
                    retry(retry.reason() + " (HTTP " + response.statusCode() + ")", retry.retryAfter(), null,
                            retry.detail());
                } else if (verdict instanceof FcmResponses.Verdict.Reauthenticate re) {
                    project.tokens().invalidate(answer.accessToken());
                    if (!reauthenticated && attempts < settings.retry().maxAttempts()
                            && clock.instant().isBefore(request.deadline())) {
                        reauthenticated = true;
                        log.info("FCM project {} refused the access token ({}: {}); retrying with a fresh one",
                                project.id(), re.reason(), sanitize(re.detail()));
                        attempt();
                    } else {
                        finish(new PushResult.Rejected(response.statusCode(), re.reason(), false, true, null), re.detail());
                    }
                }
            } catch (RuntimeException e) {
                finish(new PushResult.Failed("internal error: " + e, e), null);
            }
        }

        private void handleError(Throwable e) {
            if (e instanceof AccessTokens.TokenFailure tf) {
                if (tf.operatorError()) {
                    finish(new PushResult.Rejected(tf.status(), "oauth2:" + tf.reason(), false, true, null),
                            tf.getMessage());
                } else {
                    retry("oauth2:" + tf.reason(), null, tf, tf.getMessage());
                }
            } else if (e instanceof TimeoutException) {
                retry("oauth2:TIMEOUT", null, e, "no access token within " + settings.requestTimeout());
            } else if (e instanceof HttpTimeoutException) {
                retry("TIMEOUT", null, e, "no answer within " + settings.requestTimeout());
            } else if (e instanceof IOException) {
                retry("NETWORK", null, e, e.toString());
            } else {
                finish(new PushResult.Failed("internal error: " + e, e), null);
            }
        }

        private void retry(String reason, Duration retryAfter, Throwable cause, String detail) {
            int done = attempts;
            if (done >= settings.retry().maxAttempts()) {
                finish(new PushResult.Failed(reason + "; gave up after " + done + " attempts", cause), detail);
                return;
            }
            Duration delay = backoff(done);
            if (retryAfter != null && retryAfter.compareTo(delay) > 0) delay = retryAfter;
            Instant next = clock.instant().plus(delay);
            if (!next.isBefore(request.deadline())) {
                finish(new PushResult.Failed(reason + "; gave up after " + done + " attempt" + (done == 1 ? "" : "s")
                        + ", the deadline leaves no time to retry", cause), detail);
                return;
            }
            log.debug("FCM {} push to {} (project {}): {} {}, retry {} in {} ms", request.kind(), request.redactedPrid(),
                    project.id(), reason, sanitize(detail), done, delay.toMillis());
            try {
                timers.schedule(this::attempt, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closedMeanwhile) {
                finish(new PushResult.Failed("FCM sender closed", cause), detail);
            }
        }

        /** {@code initial·2^(n-1)} capped at {@code maxBackoff}, jittered to [½, 1] of that. */
        private Duration backoff(int failedAttempts) {
            long initial = settings.retry().initialBackoff().toMillis();
            long cap = settings.retry().maxBackoff().toMillis();
            long exp = initial << Math.min(failedAttempts - 1, 20);
            long ceiling = Math.max(1, Math.min(cap, exp < 0 ? cap : exp));
            long half = ceiling / 2;
            return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
        }

        /** Logs, then completes: whoever sees the result can also see its log line. */
        private void finish(PushResult r, String detail) {
            if (result.isDone() || !finished.compareAndSet(false, true)) return;
            String where = request.kind() + " push to " + request.redactedPrid() + " (project " + project.id()
                    + (request.callId() == null ? "" : ", call " + request.callId()) + ")";
            int n = attempts;
            if (r instanceof PushResult.Accepted a) {
                log.debug("FCM accepted {}: {} after {} attempt(s)", where, a.providerId(), n);
            } else if (r instanceof PushResult.Rejected rej) {
                String verdict = rej.tokenIsDead() ? "token is dead"
                        : rej.operatorError() ? "operator error, check the FCM configuration" : "not retried";
                log.warn("FCM rejected {}: {} (HTTP {}){} - {}", where, rej.reason(), rej.status(),
                        detail == null ? "" : ": " + sanitize(detail), verdict);
            } else if (r instanceof PushResult.Failed f) {
                log.warn("FCM could not deliver {}: {}{}", where, f.reason(), detail == null ? "" : " (" + sanitize(detail) + ")");
            }
            result.complete(r);
        }

        /** Provider messages might quote the token: keep only its redacted form. */
        private String sanitize(String text) {
            if (text == null) return "";
            return text.replace(request.prid(), request.redactedPrid());
        }
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}

package io.sipwake.push.http;

import static io.sipwake.push.SenderSupport.daemonThreads;
import static io.sipwake.push.SenderSupport.printable;

import io.sipwake.push.PushRequest;
import io.sipwake.push.PushResult;
import io.sipwake.push.InFlightPushes;
import io.sipwake.push.PushSender;
import io.sipwake.push.Tokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 * Wakes phones that registered a plain HTTP(S) wake-up URL ({@code pn-provider=x-push-uri}: Zoiper's
 * {@code X-PUSH-URI=<URL>} Contact parameter; the URL is the request's {@code pn-prid}) by POSTing to that URL.
 *
 * <h2>Request</h2>
 * {@code POST <URL>}, {@code Content-Type: application/json; charset=UTF-8}, {@code User-Agent: sipwake}:
 * <pre>{@code
 * {"type":"call","call-id":"a84b4c76e66710","caller":"sip:alice@example.com","caller-name":"Alice",
 *  "sent-at":1764160000123,"deadline":1764160030123}
 * }</pre>
 * <table>
 * <caption>body keys</caption>
 * <tr><th>key</th><th>value</th><th>present</th></tr>
 * <tr><td>{@code type}</td><td>{@code call}, {@code message}, {@code call-cancelled}, {@code missed-call},
 *     {@code registration-refresh}</td><td>always</td></tr>
 * <tr><td>{@code call-id}</td><td>SIP Call-ID of the held request (string)</td><td>when known</td></tr>
 * <tr><td>{@code caller}</td><td>caller's SIP URI (string)</td><td>when known</td></tr>
 * <tr><td>{@code caller-name}</td><td>caller's display name (string)</td><td>when known</td></tr>
 * <tr><td>{@code sent-at}</td><td>when sipwake sent the push, Unix epoch milliseconds (number)</td><td>always</td></tr>
 * <tr><td>{@code deadline}</td><td>when the push stops being useful, epoch milliseconds (number)</td><td>always</td></tr>
 * </table>
 * The answer body is discarded unread; redirects are never followed.
 *
 * <h2>Outcomes</h2>
 * <table>
 * <caption>answers</caption>
 * <tr><th>answer</th><th>result</th></tr>
 * <tr><td>2xx</td><td>{@code Accepted(scheme://host[:port], status)}</td></tr>
 * <tr><td>404, 410</td><td>{@code Rejected}, tokenIsDead: the binding may be pruned</td></tr>
 * <tr><td>3xx</td><td>{@code Rejected("REDIRECT_NOT_FOLLOWED")}, not dead</td></tr>
 * <tr><td>other 4xx except 408 and 429</td><td>{@code Rejected("HTTP_<status>")}, not dead</td></tr>
 * <tr><td>408, 429, 5xx, DNS/connection errors, timeouts</td><td>retried with exponential backoff and jitter (at
 *     least {@code Retry-After} seconds) while attempts remain and the next one starts before the push's deadline;
 *     then {@code Failed}</td></tr>
 * <tr><td>URL refused by the guard below, wrong {@code pn-provider}</td><td>{@code Rejected(0, reason)} without
 *     any HTTP request; the reason says why</td></tr>
 * </table>
 *
 * <h2>Server-side request forgery guard</h2>
 * Any phone that registers chooses the URL, so sipwake only POSTs where the operator allowed
 * ({@link HttpWakeSettings#allowHosts()}, see {@link AllowList}): only {@code http}/{@code https} URLs without
 * user info; the host must match a host-name suffix or (IP literal) a CIDR entry; each address a name resolves to
 * must be public unicast unless a CIDR entry covers it. The HTTP client resolves the name again when it connects;
 * the JVM's DNS cache ({@code networkaddress.cache.ttl}, 30 s by default) normally answers that lookup, which narrows
 * but does not close a DNS-rebinding window: list only suffixes whose DNS the operator trusts.
 * URLs only ever appear in logs as {@code scheme://host:port} plus the redacted URL ({@link Tokens#redact}): the
 * path and query are the phone's secret.
 *
 * <h2>Threads</h2>
 * Long-lived and thread-safe. {@link #send} never blocks and never throws; name resolution runs on the sender's
 * own small pool, HTTP on its own daemon threads, retry delays are timers. {@link #close()} completes pushes in
 * progress with {@code Failed}.
 */
public final class HttpWakeSender implements PushSender {

    private static final Logger log = LoggerFactory.getLogger(HttpWakeSender.class);

    /** The {@code pn-provider} this sender serves. */
    public static final String PROVIDER = "x-push-uri";

    private final HttpWakeSettings settings;
    private final HttpPushProtocol protocol;
    private final String label;
    private final AllowList allowList;
    private final Clock clock;
    private final ExecutorService httpExecutor;
    private final ThreadPoolExecutor resolver;
    private final ScheduledThreadPoolExecutor timers;
    private final HttpClient http;
    private final InFlightPushes inFlight;

    /** The X-PUSH-URI wake-up sender ({@code pn-provider=x-push-uri}, the JSON body above). */
    public HttpWakeSender(HttpWakeSettings settings) {
        this(settings, new WakeUrlProtocol(), Clock.systemUTC());
    }

    /** A sender of another protocol that POSTs to a URL the phone registered (WebPush), with the same guard and retries. */
    public HttpWakeSender(HttpWakeSettings settings, HttpPushProtocol protocol) {
        this(settings, protocol, Clock.systemUTC());
    }

    HttpWakeSender(HttpWakeSettings settings, Clock clock) {
        this(settings, new WakeUrlProtocol(), clock);
    }

    HttpWakeSender(HttpWakeSettings settings, HttpPushProtocol protocol, Clock clock) {
        this.settings = settings;
        this.protocol = protocol;
        this.label = protocol.label();
        this.inFlight = new InFlightPushes(label + " sender");
        this.allowList = AllowList.parse(settings.allowHosts());
        this.clock = clock;
        this.httpExecutor = Executors.newCachedThreadPool(daemonThreads("sipwake-http-wake"));
        this.resolver = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000),
                daemonThreads("sipwake-http-wake-dns"));
        this.resolver.allowCoreThreadTimeOut(true);
        this.timers = new ScheduledThreadPoolExecutor(1, daemonThreads("sipwake-http-wake-timer"));
        this.timers.setRemoveOnCancelPolicy(true);
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.timeout())
                .proxy(HttpClient.Builder.NO_PROXY)
                .executor(httpExecutor)
                .build();
    }

    @Override
    public Set<String> providers() {
        return Set.of(protocol.provider());
    }

    @Override
    public CompletableFuture<PushResult> send(PushRequest request) {
        if (inFlight.isClosed()) return CompletableFuture.completedFuture(new PushResult.Failed(label + " sender is closed", null));
        if (!protocol.provider().equals(request.provider().toLowerCase(Locale.ROOT))) {
            log.warn("{} sender got a push for pn-provider={} ({}); refused", label, printable(request.provider()), request);
            return CompletableFuture.completedFuture(new PushResult.Rejected(0, "UNSUPPORTED_PROVIDER", false, true, null));
        }
        URI uri;
        String refusal;
        try {
            uri = new URI(request.prid());
            refusal = checkUrl(uri);
        } catch (URISyntaxException e) {
            uri = null;
            refusal = "URL_INVALID: not a URL";
        }
        if (refusal != null) {
            log.warn("{} refused {} push to {}: {}", label, request.kind(), describe(uri, request), refusal);
            return CompletableFuture.completedFuture(new PushResult.Rejected(0, refusal, false, false, null));
        }
        URI target = uri;
        return inFlight.start(result -> new Delivery(request, target, result).attempt());
    }

    /** Stops all threads; pushes still in progress complete with {@code Failed}. Idempotent. */
    @Override
    public void close() {
        if (!inFlight.close()) return;
        timers.shutdownNow();
        resolver.shutdownNow();
        InFlightPushes.shutdownNow(http);
        httpExecutor.shutdownNow();
    }

    /** What the URL alone says: null when it may be tried, else the reason (no path or query in it). */
    String checkUrl(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) return "URL_NOT_ALLOWED: only http and https URLs are allowed";
        if (uri.getRawUserInfo() != null) return "URL_NOT_ALLOWED: user info in the URL is not allowed";
        if (uri.getHost() == null) return "URL_INVALID: no host";
        String host = AllowList.canonicalHost(uri.getHost());
        if (AllowList.isIpLiteral(host)) {
            InetAddress literal;
            try {
                literal = InetAddress.getByName(host); // a literal: no DNS
            } catch (UnknownHostException | RuntimeException e) {
                return "URL_INVALID: bad IP address";
            }
            if (!allowList.inCidr(literal)) return "URL_NOT_ALLOWED: address " + printable(host) + " is not in " + protocol.allowListKey();
            return null;
        }
        if (!allowList.allowsName(host)) return "URL_NOT_ALLOWED: host " + printable(host) + " is not in " + protocol.allowListKey();
        return null;
    }

    /** Resolves the URL's host (blocking) and checks every address: null when all may be called, else the reason. */
    private String checkAddresses(URI uri) throws UnknownHostException {
        String host = AllowList.canonicalHost(uri.getHost());
        for (InetAddress a : InetAddress.getAllByName(host)) {
            if (allowList.inCidr(a)) continue;
            if (AllowList.isSpecial(a)) {
                return "ADDRESS_NOT_ALLOWED: " + printable(host) + " resolves to " + a.getHostAddress()
                        + " (loopback, private, link-local, multicast or reserved; allow it with a CIDR entry in " + protocol.allowListKey() + ")";
            }
        }
        return null;
    }

    byte[] body(PushRequest r, Instant sentAt) {
        return WakeUrlProtocol.body(r, sentAt);
    }

    private static String origin(URI uri) {
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + printable(uri.getHost()) + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    /** For logs: origin and the redacted URL; never the path or query in full. */
    private static String describe(URI uri, PushRequest request) {
        String o = uri == null || uri.getScheme() == null || uri.getHost() == null ? "?" : origin(uri);
        return o + " (" + printable(Tokens.redact(request.prid())) + ")";
    }



    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
        return t;
    }

    /** A refusal found after resolution: never retried. */
    private static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    /** One push: its attempts, one after another, and its result. */
    private final class Delivery {
        private final PushRequest request;
        private final URI uri;
        private final CompletableFuture<PushResult> result;
        private final AtomicBoolean finished = new AtomicBoolean();
        private volatile int attempts;

        Delivery(PushRequest request, URI uri, CompletableFuture<PushResult> result) {
            this.request = request;
            this.uri = uri;
            this.result = result;
        }

        void attempt() {
            if (result.isDone()) return;
            attempts++;
            CompletableFuture<Void> resolved;
            try {
                resolved = CompletableFuture.runAsync(() -> {
                    try {
                        String refusal = checkAddresses(uri);
                        if (refusal != null) throw new CompletionException(new Refused(refusal));
                    } catch (UnknownHostException e) {
                        throw new CompletionException(e);
                    }
                }, resolver);
            } catch (RejectedExecutionException e) {
                finish(new PushResult.Failed(inFlight.isClosed() ? label + " sender closed" : "too many pushes in progress", e));
                return;
            }
            resolved.orTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                    .thenCompose(v -> post())
                    .whenCompleteAsync(this::handle, timers);
        }

        private CompletableFuture<HttpResponse<Void>> post() {
            HttpRequest httpRequest = protocol.request(request, uri, clock.instant())
                    .uri(uri)
                    .timeout(settings.timeout())
                    .version("https".equalsIgnoreCase(uri.getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                    .build();
            return http.sendAsync(httpRequest, HttpResponse.BodyHandlers.discarding());
        }

        private void handle(HttpResponse<Void> response, Throwable error) {
            if (result.isDone()) return;
            try {
                if (error != null) {
                    Throwable e = unwrap(error);
                    if (e instanceof Refused refused) {
                        finish(new PushResult.Rejected(0, refused.getMessage(), false, false, null));
                    } else if (e instanceof UnknownHostException) {
                        retry("DNS: unknown host", null, e);
                    } else if (e instanceof TimeoutException || e instanceof HttpTimeoutException) {
                        retry("TIMEOUT: no answer within " + settings.timeout(), null, e);
                    } else if (e instanceof IOException) {
                        retry("NETWORK: " + e.getClass().getSimpleName(), null, e);
                    } else {
                        finish(new PushResult.Failed("internal error: " + e, e));
                    }
                    return;
                }
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    finish(new PushResult.Accepted(origin(uri), status));
                } else if (status == 404 || status == 410) {
                    finish(new PushResult.Rejected(status, "HTTP_" + status, true, false, null));
                } else if (status >= 300 && status < 400) {
                    finish(new PushResult.Rejected(status, "REDIRECT_NOT_FOLLOWED", false, false, null));
                } else if (status == 408 || status == 429 || status >= 500) {
                    retry("HTTP_" + status, retryAfter(response), null);
                } else {
                    finish(new PushResult.Rejected(status, "HTTP_" + status, false, false, null));
                }
            } catch (RuntimeException e) {
                finish(new PushResult.Failed("internal error: " + e, e));
            }
        }

        private Duration retryAfter(HttpResponse<Void> response) {
            String v = response.headers().firstValue("Retry-After").orElse(null);
            if (v == null || !v.trim().matches("\\d{1,6}")) return null;
            return Duration.ofSeconds(Long.parseLong(v.trim()));
        }

        private void retry(String reason, Duration retryAfter, Throwable cause) {
            int done = attempts;
            if (done >= settings.maxAttempts()) {
                finish(new PushResult.Failed(reason + "; gave up after " + done + " attempt" + (done == 1 ? "" : "s"), cause));
                return;
            }
            Duration delay = backoff(done);
            if (retryAfter != null && retryAfter.compareTo(delay) > 0) delay = retryAfter;
            if (!clock.instant().plus(delay).isBefore(request.deadline())) {
                finish(new PushResult.Failed(reason + "; gave up after " + done + " attempt" + (done == 1 ? "" : "s")
                        + ", the deadline leaves no time to retry", cause));
                return;
            }
            log.debug("{} {} push to {}: {}, retry {} in {} ms", label, request.kind(), describe(uri, request), reason, done,
                    delay.toMillis());
            try {
                timers.schedule(this::attempt, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closedMeanwhile) {
                finish(new PushResult.Failed(label + " sender closed", cause));
            }
        }

        /** {@code initial·2^(n-1)} capped at {@code maxBackoff}, jittered to [½, 1] of that. */
        private Duration backoff(int failedAttempts) {
            long initial = settings.initialBackoff().toMillis();
            long cap = settings.maxBackoff().toMillis();
            long exp = initial << Math.min(failedAttempts - 1, 20);
            long ceiling = Math.max(1, Math.min(cap, exp < 0 ? cap : exp));
            long half = ceiling / 2;
            return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
        }

        private void finish(PushResult r) {
            if (result.isDone() || !finished.compareAndSet(false, true)) return;
            String where = request.kind() + " push to " + describe(uri, request)
                    + (request.callId() == null ? "" : " (call " + printable(request.callId()) + ")");
            if (r instanceof PushResult.Accepted a) {
                log.debug("{} accepted {}: HTTP {} after {} attempt(s)", label, where, a.status(), attempts);
            } else if (r instanceof PushResult.Rejected rej) {
                log.warn("{} rejected {}: {} (HTTP {}){}", label, where, rej.reason(), rej.status(),
                        rej.tokenIsDead() ? " - URL is dead" : "");
            } else if (r instanceof PushResult.Failed f) {
                log.warn("{} could not deliver {}: {}", label, where, f.reason());
            }
            result.complete(r);
        }
    }
}

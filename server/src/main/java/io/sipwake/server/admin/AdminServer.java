package io.sipwake.server.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sipwake.proxy.registrar.Registrar;
import io.sipwake.proxy.push.PushParameters;
import io.sipwake.proxy.push.PushToken;
import io.sipwake.proxy.push.PushTraces;
import io.sipwake.server.SipwakeServer;
import io.sipwake.server.config.ConfigException;
import io.sipwake.server.config.SipwakeConfig;
import io.sipwake.store.Binding;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP API (JSON) and the Prometheus endpoint, on the JDK's {@link HttpServer} with a small bounded
 * executor. See README "Admin API and metrics" for the endpoints. A wake ({@code POST /api/v1/wake}, {@link AdminWake})
 * that waits for a phone holds no thread: its exchange stays open and is answered when the wake ends, so many
 * dialplans can wait at once.
 *
 * <p>Authentication: with {@code admin.token-file} every endpoint except {@code /api/v1/health} needs
 * {@code Authorization: Bearer <token>}, compared in constant time; without it nothing is authenticated, and the
 * server refuses to listen anywhere but on a loopback address. Every answer, including errors, is JSON
 * ({@code {"error": "..."}}) except {@code /metrics}; no stack trace ever leaves the process.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final String API = "/api/v1";
    /** Push parameters whose values are device tokens or wake-up URLs: secrets that are redacted unless revealed. */
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)([;?&](?:pn-prid|pn-tok|pn-voip-tok|pn-im-tok|x-push-uri)=)(\"[^\"]*\"|[^;>,&\\s]+(?:&[^;>,&=\\s]+)*)");
    /** One token of Linphone's {@code pn-prid=<tok>:voip&<tok>:remote}, its service label kept. */
    private static final Pattern LABELLED_TOKEN = Pattern.compile("(?i)(.+)(:(?:voip|remote))");

    private final SipwakeServer sipwake;
    private final AdminMetrics metrics;
    private final HttpServer http;
    private final ThreadPoolExecutor executor;
    /** Sends the answers of wakes that waited: they complete on push, store and timer threads, which must not do I/O. */
    private final java.util.concurrent.ExecutorService wakeReplies;
    private final byte[] tokenHash;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private volatile boolean stopping;

    private AdminServer(SipwakeServer sipwake, AdminMetrics metrics, HttpServer http, ThreadPoolExecutor executor, byte[] tokenHash) {
        this.sipwake = sipwake;
        this.metrics = metrics;
        this.http = http;
        this.executor = executor;
        this.tokenHash = tokenHash;
        this.wakeReplies = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sipwake-admin-wake");
            t.setDaemon(true);
            return t;
        });
    }

    /** Binds and starts serving; a bad address, a missing token for a non-loopback address or a busy port is a {@link ConfigException}. */
    public static AdminServer start(SipwakeConfig.Admin config, SipwakeServer sipwake) {
        InetAddress address;
        try {
            address = InetAddress.getByName(config.address());
        } catch (UnknownHostException e) {
            throw new ConfigException("admin.address: cannot resolve '" + config.address() + "'", e);
        }
        byte[] tokenHash = null;
        if (config.tokenFile() != null) {
            try {
                String token = Files.readString(config.tokenFile(), StandardCharsets.UTF_8).strip();
                if (token.isEmpty()) throw new ConfigException("admin.token-file: file " + config.tokenFile() + " is empty");
                tokenHash = sha256(token);
            } catch (IOException e) {
                throw new ConfigException("admin.token-file: cannot read " + config.tokenFile() + ": " + e.getMessage(), e);
            }
        } else if (!address.isLoopbackAddress()) {
            throw new ConfigException("admin.token-file: missing: admin.address '" + config.address()
                    + "' is not a loopback address, and without a token the admin API listens on loopback only");
        }
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(address, config.port()), 32);
        } catch (IOException e) {
            throw new ConfigException("admin.port: cannot listen on " + config.address() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64), r -> {
            Thread t = new Thread(r, "sipwake-admin-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy()); // a full queue slows the accepting thread down: back-pressure
        AdminMetrics metrics = sipwake.metrics(); // owned by the server: it counts even when the API is off
        AdminServer server = new AdminServer(sipwake, metrics, http, executor, tokenHash);
        http.setExecutor(executor);
        http.createContext("/", server::handle);
        http.start();
        log.info("admin API listening on {}:{}{}", config.address(), server.port(), tokenHash == null ? " (no token: loopback only)" : "");
        return server;
    }

    /** The port actually bound (useful with {@code admin.port: 0}). */
    public int port() {
        return http.getAddress().getPort();
    }

    public AdminMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        stopping = true;
        http.stop(0);
        executor.shutdownNow();
        wakeReplies.shutdownNow();
    }

    // ---- request handling ----

    /** A 4xx/5xx answer with a JSON error body. */
    private static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        Failure(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private void handle(HttpExchange ex) {
        boolean answerLater = false;
        try {
            String path = ex.getRequestURI().getRawPath();
            if (!path.equals(API + "/health")) authenticate(ex);
            answerLater = route(ex, ex.getRequestMethod().toUpperCase(Locale.ROOT), path);
        } catch (Failure f) {
            sendError(ex, f.status, f.getMessage());
        } catch (RuntimeException | IOException e) {
            log.warn("admin API: {} {} failed", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), e);
            sendError(ex, 500, "internal error");
        } finally {
            if (!answerLater) ex.close();
        }
    }

    private void authenticate(HttpExchange ex) {
        if (tokenHash == null) return;
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"sipwake\"");
            throw new Failure(401, "missing bearer token (Authorization: Bearer <token>)");
        }
        // Hashing first makes the comparison constant-time in the token's length too.
        if (!MessageDigest.isEqual(tokenHash, sha256(header.substring(7).strip()))) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"sipwake\", error=\"invalid_token\"");
            throw new Failure(401, "invalid bearer token");
        }
    }

    /** Answers the request, or returns true when its answer comes later (a wake that waits). */
    private boolean route(HttpExchange ex, String method, String path) throws IOException {
        if (path.equals("/metrics")) {
            requireMethod(method, "GET");
            send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape().getBytes(StandardCharsets.UTF_8));
            return false;
        }
        if (!path.startsWith(API + "/")) throw new Failure(404, "no such endpoint: " + path);
        String rest = path.substring(API.length() + 1);
        int slash = rest.indexOf('/');
        String resource = slash < 0 ? rest : rest.substring(0, slash);
        String arg = slash < 0 ? null : decode(rest.substring(slash + 1));
        switch (resource) {
            case "health" -> {
                requireNoArg(arg, path);
                requireMethod(method, "GET");
                sendJson(ex, 200, Map.of("status", "up"));
            }
            case "ready" -> {
                requireNoArg(arg, path);
                requireMethod(method, "GET");
                boolean ready = !stopping && !sipwake.listeningPoints().isEmpty();
                sendJson(ex, ready ? 200 : 503, Map.of("status", ready ? "ready" : "not ready"));
            }
            case "bindings" -> bindings(ex, method, arg);
            case "calls" -> {
                requireNoArg(arg, path);
                requireMethod(method, "GET");
                sendJson(ex, 200, heldCalls());
            }
            case "traces" -> traces(ex, method, arg);
            case "push" -> {
                requireNoArg(arg, path);
                requireMethod(method, "POST");
                AdminPush.Answer answer = AdminPush.handle(sipwake, ex.getRequestBody());
                sendJson(ex, answer.status(), answer.body());
            }
            case "wake" -> {
                requireNoArg(arg, path);
                requireMethod(method, "POST");
                return wake(ex);
            }
            case "reload" -> {
                requireNoArg(arg, path);
                requireMethod(method, "POST");
                AdminReload.Answer answer = AdminReload.handle(sipwake);
                sendJson(ex, answer.status(), answer.body());
            }
            default -> throw new Failure(404, "no such endpoint: " + path);
        }
        return false;
    }

    /**
     * Starts a wake; one that waits holds no thread, only its exchange, answered on {@link #wakeReplies} when it ends.
     * Returns true when the answer comes later.
     */
    private boolean wake(HttpExchange ex) throws IOException {
        java.util.concurrent.CompletableFuture<AdminPush.Answer> answer = AdminWake.handle(sipwake.hookWake(),
                ex.getRequestURI().getRawQuery(), ex.getRequestBody(), ex.getRequestHeaders().getFirst("Content-Type"));
        if (answer.isDone()) {
            AdminPush.Answer a = answer.join();
            sendJson(ex, a.status(), a.body());
            return false;
        }
        answer.whenCompleteAsync((a, error) -> {
            try {
                if (error != null) {
                    log.warn("admin API: wake failed", error);
                    sendError(ex, 500, "internal error");
                } else {
                    sendJson(ex, a.status(), a.body());
                }
            } catch (IOException | RuntimeException e) {
                log.debug("admin API: could not send the wake answer (client gone?): {}", e.toString());
            } finally {
                ex.close();
            }
        }, wakeReplies);
        return true;
    }

    private void bindings(HttpExchange ex, String method, String aorArg) throws IOException {
        boolean reveal = queryFlag(ex, "reveal");
        if (aorArg == null) {
            requireMethod(method, "GET");
            List<Object> aors = new ArrayList<>();
            int count = 0;
            for (Map.Entry<String, List<Binding>> e : sipwake.locations().allBindings().entrySet()) {
                aors.add(aorView(e.getKey(), e.getValue(), reveal));
                count += e.getValue().size();
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("aors", aors.size());
            body.put("bindings", count);
            body.put("items", aors);
            sendJson(ex, 200, body);
            return;
        }
        String aor = canonicalAor(aorArg);
        requireMethod(method, "GET", "DELETE");
        List<Binding> bindings = sipwake.locations().lookup(aor);
        if (bindings.isEmpty()) throw new Failure(404, "no bindings for " + aor);
        if (method.equals("DELETE")) {
            List<Binding> removed = new ArrayList<>();
            try {
                sipwake.locations().update(aor, current -> {
                    removed.addAll(current);
                    return List.of();
                }).get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failure(503, "interrupted while removing the bindings of " + aor);
            } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                log.warn("admin API: removing the bindings of {} failed: {}", aor, e.toString());
                throw new Failure(500, "could not store the removal of the bindings of " + aor);
            }
            log.info("admin API: removed {} binding(s) of {}", removed.size(), aor);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("aor", aor);
            body.put("removed", removed.size());
            sendJson(ex, 200, body);
            return;
        }
        sendJson(ex, 200, aorView(aor, bindings, reveal));
    }

    /** {@code {"push":true,"held":n,"items":[{"call-id","method","aor","provider","held-since","held-for-ms","timeline"}]}}. */
    private Map<String, Object> heldCalls() {
        List<Object> items = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (var h : sipwake.heldNow()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("call-id", h.callId());
            m.put("method", h.method());
            m.put("aor", h.aor());
            m.put("provider", h.provider());
            m.put("held-since", h.heldSince().toString());
            m.put("held-for-ms", Math.max(0, now - h.heldSince().toEpochMilli()));
            m.put("timeline", h.timeline());
            items.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("push", sipwake.pushTraces() != null);
        body.put("held", items.size());
        body.put("items", items);
        return body;
    }

    private void traces(HttpExchange ex, String method, String callId) throws IOException {
        requireMethod(method, "GET");
        if (callId == null || callId.isBlank()) throw new Failure(400, "give a Call-ID: /api/v1/traces/{call-id}");
        PushTraces traces = sipwake.pushTraces();
        if (traces == null) throw new Failure(404, "push wake-up is off: no traces are kept");
        List<PushTraces.Trace> found = traces.find(callId);
        if (found.isEmpty()) throw new Failure(404, "no trace for Call-ID " + callId + " (never held, or forgotten)");
        List<Object> items = new ArrayList<>();
        for (PushTraces.Trace t : found) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", t.method());
            m.put("aor", t.aor());
            m.put("provider", t.provider());
            m.put("timeline", t.timeline());
            items.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("call-id", callId);
        body.put("traces", items);
        sendJson(ex, 200, body);
    }

    // ---- views ----

    private static Map<String, Object> aorView(String aor, List<Binding> bindings, boolean reveal) {
        List<Object> items = new ArrayList<>();
        for (Binding b : bindings) items.add(bindingView(b, reveal));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("aor", aor);
        m.put("bindings", items);
        return m;
    }

    static Map<String, Object> bindingView(Binding b, boolean reveal) {
        long now = System.currentTimeMillis();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", reveal ? b.bindingKey() : redactParams(b.bindingKey()));
        m.put("contact", reveal ? b.contact() : redactParams(b.contact()));
        m.put("instance", b.instanceId());
        m.put("reg-id", b.regId());
        m.put("q", b.q() == Binding.NO_Q ? null : b.q());
        m.put("expires-in", Math.max(0, (b.expiresAtMillis() - now + 999) / 1000));
        m.put("expires-at", Instant.ofEpochMilli(b.expiresAtMillis()).toString());
        m.put("updated-at", Instant.ofEpochMilli(b.updatedAtMillis()).toString());
        m.put("source", b.source());
        m.put("connected-flow", b.flow() != null);
        m.put("path", b.path());
        m.put("user-agent", b.userAgent());
        m.put("push", pushView(b, reveal));
        return m;
    }

    /** The binding's push parameters, normalised, tokens redacted unless revealed; null when it has none. */
    private static Map<String, Object> pushView(Binding b, boolean reveal) {
        PushParameters p = Registrar.pushParameters(b);
        if (p == null) return null;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("provider", p.provider());
        m.put("sandbox", p.sandbox());
        m.put("param", p.param());
        m.put("dialect", p.dialect().toString());
        List<Object> tokens = new ArrayList<>();
        for (PushToken t : p.tokens()) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("service", t.service().toString().toLowerCase(Locale.ROOT));
            tm.put("token", reveal ? t.token() : PushToken.redact(t.token()));
            tokens.add(tm);
        }
        m.put("tokens", tokens);
        return m;
    }

    /** {@code text} with the values of token-carrying push parameters shortened by {@link PushToken#redact}. */
    static String redactParams(String text) {
        if (text == null) return null;
        Matcher m = SECRET_PARAM.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            // Each token of a Linphone list (tok:voip&tok:remote) is redacted on its own; its label stays.
            List<String> parts = new ArrayList<>();
            for (String part : m.group(2).split("&", -1)) {
                Matcher labelled = LABELLED_TOKEN.matcher(part);
                parts.add(labelled.matches() ? PushToken.redact(labelled.group(1)) + labelled.group(2) : PushToken.redact(part));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + String.join("&", parts)));
        }
        m.appendTail(out);
        return out.toString();
    }

    // ---- helpers ----

    /** The AOR as the location service keys it: {@code sip:alice@example.com}; a bare {@code alice@example.com} gets {@code sip:}. */
    private static String canonicalAor(String arg) {
        String aor = arg.strip();
        if (aor.isEmpty()) throw new Failure(400, "empty address-of-record");
        String lower = aor.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("sip:") && !lower.startsWith("sips:")) aor = "sip:" + aor;
        return aor;
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Failure(400, "malformed percent-escape in the path");
        }
    }

    private static boolean queryFlag(HttpExchange ex, String name) {
        String query = ex.getRequestURI().getRawQuery();
        if (query == null) return false;
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (!key.equals(name)) continue;
            String value = eq < 0 ? "true" : pair.substring(eq + 1);
            if (value.equalsIgnoreCase("true")) return true;
            if (value.equalsIgnoreCase("false")) return false;
            throw new Failure(400, "query parameter " + name + " must be true or false");
        }
        return false;
    }

    private static void requireNoArg(String arg, String path) {
        if (arg != null) throw new Failure(404, "no such endpoint: " + path);
    }

    private static void requireMethod(String method, String... allowed) {
        for (String a : allowed) {
            if (a.equals(method)) return;
        }
        throw new Failure(405, "method " + method + " not allowed here (allowed: " + String.join(", ", allowed) + ")");
    }

    private void sendJson(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/json; charset=utf-8", json.writeValueAsBytes(body));
    }

    private void sendError(HttpExchange ex, int status, String message) {
        try {
            sendJson(ex, status, Map.of("error", message));
        } catch (IOException | RuntimeException e) {
            log.debug("admin API: could not send the error answer: {}", e.toString());
        }
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = ex.getRequestMethod().equalsIgnoreCase("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) ex.getResponseBody().write(body);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.sipwake.push.fcm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A protocol-faithful stand-in for Google's OAuth2 token endpoint and the FCM HTTP v1 {@code messages:send} API,
 * on a loopback port (JDK {@code com.sun.net.httpserver}, HTTP/1.1, plain text).
 *
 * <h2>Token endpoint: {@code POST /token}</h2>
 * The JWT-bearer grant ({@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>}), checked
 * like Google does: RS256 signature with the public key of a {@link #trust trusted} service account
 * ({@code iss} = its {@code client_email}, {@code kid} = its key id), {@code aud} =
 * {@code https://oauth2.googleapis.com/token} (the Google library sends that even when {@code token_uri} is
 * elsewhere), {@code iat}/{@code exp} within a 60-minute window around now, a {@code scope}. Success:
 * {@code {"access_token":"ya29.…","expires_in":3600,"token_type":"Bearer"}}; failure: 400
 * {@code {"error":"invalid_grant","error_description":"Invalid JWT Signature."}} and friends.
 *
 * <h2>Send endpoint: {@code POST /v1/projects/{project}/messages:send}</h2>
 * In Google's order: the bearer token must be one this fake issued and not expired or revoked (else 401
 * UNAUTHENTICATED), its account must be {@link #allow allowed} on the project and hold the
 * {@code firebase.messaging} scope (else 403 PERMISSION_DENIED), the body must be valid v1 JSON (else 400
 * INVALID_ARGUMENT): known fields only, exactly one target and it a {@code token}, {@code data} values all
 * strings and no reserved keys, {@code android.priority} {@code normal|high}, {@code android.ttl} like
 * {@code \d+(\.\d{1,9})?s} and at most 4 weeks, {@code collapse_key} a string, {@code direct_boot_ok} a boolean,
 * data at most 4096 bytes. Then the scripted {@link FcmFault faults} for that registration token apply
 * ({@link #failNext}, {@link #failAlways}); otherwise the message is recorded ({@link #messages()}) and answered
 * {@code 200 {"name":"projects/{project}/messages/0:…"}}.
 *
 * <p>Every send attempt, accepted or not, is in {@link #sendAttempts()}; every token request in
 * {@link #tokenRequests()}. Thread-safe; answers requests concurrently.
 */
public final class FakeFcmServer implements AutoCloseable {

    /** The {@code aud} Google requires in the assertion, whatever the {@code token_uri}. */
    public static final String GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token";
    public static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    public static final String FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

    private static final Pattern SEND_PATH = Pattern.compile("/v1/projects/([^/]+)/messages:send");
    private static final Pattern TTL = Pattern.compile("(\\d+)(\\.\\d{1,9})?s");
    private static final long MAX_TTL_SECONDS = 28L * 24 * 3600;
    private static final Set<String> ROOT_FIELDS = Set.of("message", "validate_only", "validateOnly");
    private static final Set<String> MESSAGE_FIELDS = Set.of("name", "data", "notification", "android", "webpush",
            "apns", "fcm_options", "fcmOptions", "token", "topic", "condition");
    private static final Set<String> ANDROID_FIELDS = Set.of("collapse_key", "collapseKey", "priority", "ttl",
            "restricted_package_name", "restrictedPackageName", "data", "notification", "fcm_options", "fcmOptions",
            "direct_boot_ok", "directBootOk", "bandwidth_constrained_ok", "bandwidthConstrainedOk",
            "restricted_satellite_ok", "restrictedSatelliteOk");
    private static final Set<String> RESERVED_DATA_KEYS = Set.of("from", "notification", "message_type");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor;
    private final URI baseUri;

    private final Map<String, Trusted> trusted = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> allowed = new ConcurrentHashMap<>();
    private final Map<String, Issued> issued = new ConcurrentHashMap<>();
    private final Map<String, Deque<FcmFault>> nextFaults = new HashMap<>();       // guarded by itself
    private final Map<String, FcmFault> alwaysFaults = new ConcurrentHashMap<>();
    private final Deque<FcmFault> tokenFaults = new ArrayDeque<>();                 // guarded by itself
    private final List<ReceivedMessage> messages = new CopyOnWriteArrayList<>();
    private final List<SendAttempt> attempts = new CopyOnWriteArrayList<>();
    private final List<TokenRequest> tokenRequests = new CopyOnWriteArrayList<>();
    private final AtomicReference<CountDownLatch> tokenGate = new AtomicReference<>();
    private final AtomicReference<Consumer<ReceivedMessage>> listener = new AtomicReference<>();
    private final AtomicReference<Consumer<SendAttempt>> attemptListener = new AtomicReference<>();
    private final AtomicLong counter = new AtomicLong(1_500_415_314_455_276L);
    private volatile Duration tokenLifetime = Duration.ofHours(1);

    private record Trusted(RSAPublicKey key, String keyId) {}

    private record Issued(String clientEmail, Set<String> scopes, Instant expiresAt) {}

    /** A message FCM accepted. {@code message} is the whole {@code message} object as sent. */
    public record ReceivedMessage(String projectId, String token, Map<String, String> data, String priority,
                                  String ttl, String collapseKey, Boolean directBootOk, String accessToken,
                                  String serviceAccount, String name, JsonNode message, Instant receivedAt) {}

    /** One {@code messages:send} request and the status it got ({@code errorCode} null on success). */
    public record SendAttempt(Instant at, String projectId, String token, int status, String errorCode) {}

    /** One token request and its answer ({@code error} null when a token was issued). */
    public record TokenRequest(Instant at, String clientEmail, int status, String error, JsonNode claims) {}

    private FakeFcmServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
        this.baseUri = URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort());
    }

    /** Starts a fake on 127.0.0.1, on a free port. */
    public static FakeFcmServer start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-fcm");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        FakeFcmServer fake = new FakeFcmServer(server, executor);
        server.createContext("/", fake::handle);
        server.start();
        return fake;
    }

    /** {@code http://127.0.0.1:<port>}: FcmSettings' apiBaseUrl. */
    public URI baseUri() {
        return baseUri;
    }

    /** {@code http://127.0.0.1:<port>/token}: the service account's token_uri. */
    public URI tokenUri() {
        return baseUri.resolve("/token");
    }

    /**
     * A new service account of {@code projectId}, with its key file in {@code dir}, token_uri pointing here,
     * {@link #trust trusted} and {@link #allow allowed} on the project.
     */
    public TestServiceAccount createServiceAccount(Path dir, String projectId) {
        TestServiceAccount account = TestServiceAccount.create(dir, projectId, tokenUri());
        trust(account);
        allow(projectId, account.clientEmail());
        return account;
    }

    /** Accept JWTs of this account (signed with its original key). */
    public void trust(TestServiceAccount account) {
        trusted.put(account.clientEmail(), new Trusted(account.publicKey(), account.privateKeyId()));
    }

    /** Let {@code clientEmail} send for {@code projectId} (else 403 PERMISSION_DENIED). */
    public void allow(String projectId, String clientEmail) {
        allowed.computeIfAbsent(projectId, p -> ConcurrentHashMap.newKeySet()).add(clientEmail);
    }

    /** The {@code expires_in} of tokens issued from now on (default 1 hour). */
    public void setTokenLifetime(Duration lifetime) {
        this.tokenLifetime = lifetime;
    }

    /** Answer the next sends to {@code token} with these faults, one each, then normally again. */
    public void failNext(String token, FcmFault... faults) {
        synchronized (nextFaults) {
            nextFaults.computeIfAbsent(token, t -> new ArrayDeque<>()).addAll(List.of(faults));
        }
    }

    /** Answer every send to {@code token} with {@code fault} (after any {@link #failNext} ones). */
    public void failAlways(String token, FcmFault fault) {
        alwaysFaults.put(token, fault);
    }

    /** Answer the next token requests with these faults (e.g. {@link FcmFault#oauth}), one each. */
    public void failNextTokenRequests(FcmFault... faults) {
        synchronized (tokenFaults) {
            tokenFaults.addAll(List.of(faults));
        }
    }

    /** Token requests wait (up to 30 s) until {@link #releaseTokenRequests()}. */
    public void holdTokenRequests() {
        tokenGate.set(new CountDownLatch(1));
    }

    public void releaseTokenRequests() {
        CountDownLatch gate = tokenGate.getAndSet(null);
        if (gate != null) gate.countDown();
    }

    /** Every access token issued so far is refused from now on (401 UNAUTHENTICATED). */
    public void revokeAccessTokens() {
        issued.clear();
    }

    /** Called with every accepted message, after the 200 is sent: a test can wake its phone here. */
    public void onMessage(Consumer<ReceivedMessage> callback) {
        listener.set(callback);
    }

    /**
     * Called with every send attempt (accepted or not) before its answer is sent: a test can move its clock
     * here to make deadline behaviour deterministic.
     */
    public void onSendAttempt(Consumer<SendAttempt> callback) {
        attemptListener.set(callback);
    }

    /** Accepted messages, in arrival order. */
    public List<ReceivedMessage> messages() {
        return List.copyOf(messages);
    }

    public List<ReceivedMessage> messagesTo(String token) {
        return messages.stream().filter(m -> token.equals(m.token())).toList();
    }

    /** Every send request, accepted or not. */
    public List<SendAttempt> sendAttempts() {
        return List.copyOf(attempts);
    }

    public List<SendAttempt> sendAttemptsTo(String token) {
        return attempts.stream().filter(a -> token.equals(a.token())).toList();
    }

    /** Every token request, granted or not. */
    public List<TokenRequest> tokenRequests() {
        return List.copyOf(tokenRequests);
    }

    /** How many access tokens were issued. */
    public long issuedTokens() {
        return tokenRequests.stream().filter(t -> t.error() == null).count();
    }

    @Override
    public void close() {
        releaseTokenRequests();
        server.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getRawPath();
            if (path.equals("/token")) {
                handleToken(exchange);
                return;
            }
            Matcher m = SEND_PATH.matcher(path);
            if (m.matches()) {
                handleSend(exchange, URLDecoder.decode(m.group(1), StandardCharsets.UTF_8));
                return;
            }
            reply(exchange, FcmFault.google(404, "NOT_FOUND", "Method not found.", null), null);
        } catch (RuntimeException e) {
            reply(exchange, FcmFault.google(500, "INTERNAL", "fake FCM: " + e, null), null);
        } finally {
            exchange.close();
        }
    }

    private void handleToken(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            reply(exchange, FcmFault.oauth(405, "invalid_request", "Method not allowed"), null);
            return;
        }
        CountDownLatch gate = tokenGate.get();
        if (gate != null) {
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        Map<String, String> form = parseForm(readBody(exchange));
        FcmFault scripted;
        synchronized (tokenFaults) {
            scripted = tokenFaults.poll();
        }
        if (scripted != null) {
            tokenRequests.add(new TokenRequest(Instant.now(), null, scripted.status(), "scripted", null));
            reply(exchange, scripted, null);
            return;
        }
        String grantType = form.get("grant_type");
        if (!JWT_BEARER.equals(grantType)) {
            tokenError(exchange, null, null, 400, "unsupported_grant_type", "Invalid grant_type: " + grantType);
            return;
        }
        String assertion = form.get("assertion");
        String[] parts = assertion == null ? new String[0] : assertion.split("\\.", -1);
        JsonNode header;
        JsonNode claims;
        try {
            if (parts.length != 3) throw new IllegalArgumentException("not three parts");
            header = json.readTree(Base64.getUrlDecoder().decode(parts[0]));
            claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException | IllegalArgumentException e) {
            tokenError(exchange, null, null, 400, "invalid_grant", "Invalid JWT: Token must be a short-lived token "
                    + "(60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.");
            return;
        }
        String iss = claims.path("iss").asText(null);
        if (!"RS256".equals(header.path("alg").asText())) {
            tokenError(exchange, iss, claims, 400, "invalid_grant", "Invalid JWT Signature.");
            return;
        }
        Trusted account = iss == null ? null : trusted.get(iss);
        if (account == null) {
            tokenError(exchange, iss, claims, 400, "invalid_grant", "Invalid grant: account not found");
            return;
        }
        String kid = header.path("kid").asText(null);
        if ((kid != null && !kid.equals(account.keyId())) || !verify(parts, account.key())) {
            tokenError(exchange, iss, claims, 400, "invalid_grant", "Invalid JWT Signature.");
            return;
        }
        if (!GOOGLE_TOKEN_AUDIENCE.equals(claims.path("aud").asText())) {
            tokenError(exchange, iss, claims, 400, "invalid_grant", "Invalid JWT: Failed audience check.");
            return;
        }
        long now = Instant.now().getEpochSecond();
        long iat = claims.path("iat").asLong(Long.MIN_VALUE);
        long exp = claims.path("exp").asLong(Long.MIN_VALUE);
        if (iat == Long.MIN_VALUE || exp == Long.MIN_VALUE || iat > now + 300 || exp <= now || exp <= iat
                || exp - iat > 3600) {
            tokenError(exchange, iss, claims, 400, "invalid_grant", "Invalid JWT: Token must be a short-lived token "
                    + "(60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.");
            return;
        }
        String scope = claims.path("scope").asText("");
        if (scope.isBlank()) {
            tokenError(exchange, iss, claims, 400, "invalid_scope", "Invalid OAuth scope or ID token audience provided.");
            return;
        }
        String accessToken = "ya29.fake-" + HexFormat.of().formatHex(randomBytes(24));
        Duration lifetime = tokenLifetime;
        issued.put(accessToken, new Issued(iss, Set.of(scope.trim().split("\\s+")), Instant.now().plus(lifetime)));
        tokenRequests.add(new TokenRequest(Instant.now(), iss, 200, null, claims));
        ObjectNode body = json.createObjectNode();
        body.put("access_token", accessToken);
        body.put("expires_in", lifetime.toSeconds());
        body.put("token_type", "Bearer");
        reply(exchange, new FcmFault(200, body.toString(), Map.of()), null);
    }

    private void tokenError(HttpExchange exchange, String iss, JsonNode claims, int status, String error,
                            String description) throws IOException {
        tokenRequests.add(new TokenRequest(Instant.now(), iss, status, error, claims));
        reply(exchange, FcmFault.oauth(status, error, description), null);
    }

    private static boolean verify(String[] jwt, RSAPublicKey key) {
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify(key);
            s.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
            return s.verify(Base64.getUrlDecoder().decode(jwt[2]));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private void handleSend(HttpExchange exchange, String projectId) throws IOException {
        byte[] raw = readBody(exchange);
        String claimedToken = tokenOf(raw); // only to attribute refused attempts in sendAttempts()
        if (!exchange.getRequestMethod().equals("POST")) {
            attempt(projectId, claimedToken, FcmFault.google(404, "NOT_FOUND", "Method not found.", null), exchange);
            return;
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            attempt(projectId, claimedToken, unauthenticated("Request is missing required authentication credential."), exchange);
            return;
        }
        String accessToken = authorization.substring(7).trim();
        Issued grant = issued.get(accessToken);
        if (grant == null || !Instant.now().isBefore(grant.expiresAt())) {
            attempt(projectId, claimedToken, unauthenticated("Request had invalid authentication credentials."), exchange);
            return;
        }
        if (!grant.scopes().contains(FCM_SCOPE)) {
            ObjectNode info = json.createObjectNode();
            info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
            info.put("reason", "ACCESS_TOKEN_SCOPE_INSUFFICIENT");
            info.put("domain", "googleapis.com");
            attempt(projectId, claimedToken, FcmFault.google(403, "PERMISSION_DENIED",
                    "Request had insufficient authentication scopes.", info), exchange);
            return;
        }
        if (!allowed.getOrDefault(projectId, Set.of()).contains(grant.clientEmail())) {
            ObjectNode info = json.createObjectNode();
            info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
            info.put("reason", "IAM_PERMISSION_DENIED");
            info.put("domain", "cloudresourcemanager.googleapis.com");
            ObjectNode meta = info.putObject("metadata");
            meta.put("permission", "cloudmessaging.messages.create");
            meta.put("resource", "projects/" + projectId);
            attempt(projectId, claimedToken, FcmFault.google(403, "PERMISSION_DENIED", "Permission 'cloudmessaging.messages.create' "
                    + "denied on resource '//cloudresourcemanager.googleapis.com/projects/" + projectId
                    + "' (or it may not exist).", info), exchange);
            return;
        }
        JsonNode root;
        try {
            root = json.readTree(raw);
            if (root == null || !root.isObject()) throw new IOException("not an object");
        } catch (IOException e) {
            attempt(projectId, claimedToken, badRequest(null, "Invalid JSON payload received. Unexpected token."), exchange);
            return;
        }
        Validation v = new Validation();
        validate(root, v);
        JsonNode message = root.path("message");
        String token = message.path("token").isTextual() ? message.get("token").asText() : null;
        if (v.fault != null) {
            attempt(projectId, token, v.fault, exchange);
            return;
        }
        FcmFault scripted = scriptedFault(token);
        if (scripted != null) {
            attempt(projectId, token, scripted, exchange);
            return;
        }
        String name = "projects/" + projectId + "/messages/0:" + counter.incrementAndGet() + "%"
                + HexFormat.of().formatHex(randomBytes(8));
        JsonNode android = message.path("android");
        ReceivedMessage received = new ReceivedMessage(projectId, token, strings(message.path("data")),
                text(android.get("priority")), text(android.get("ttl")),
                text(android.has("collapse_key") ? android.get("collapse_key") : android.get("collapseKey")),
                android.has("direct_boot_ok") ? Boolean.valueOf(android.get("direct_boot_ok").asBoolean())
                        : android.has("directBootOk") ? Boolean.valueOf(android.get("directBootOk").asBoolean()) : null,
                accessToken, grant.clientEmail(), name, message.deepCopy(), Instant.now());
        messages.add(received);
        recordAttempt(new SendAttempt(Instant.now(), projectId, token, 200, null));
        ObjectNode ok = json.createObjectNode();
        ok.put("name", name);
        reply(exchange, new FcmFault(200, ok.toString(), Map.of()), null);
        Consumer<ReceivedMessage> callback = listener.get();
        if (callback != null) {
            try {
                callback.accept(received);
            } catch (RuntimeException ignored) {
                // the test's business
            }
        }
    }

    private String tokenOf(byte[] raw) {
        try {
            JsonNode t = json.readTree(raw).path("message").path("token");
            return t.isTextual() ? t.asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private FcmFault scriptedFault(String token) {
        if (token == null) return null;
        synchronized (nextFaults) {
            Deque<FcmFault> queue = nextFaults.get(token);
            if (queue != null && !queue.isEmpty()) return queue.poll();
        }
        return alwaysFaults.get(token);
    }

    private void attempt(String projectId, String token, FcmFault fault, HttpExchange exchange) throws IOException {
        String errorCode = errorCodeOf(fault);
        recordAttempt(new SendAttempt(Instant.now(), projectId, token, fault.status(), errorCode));
        Map<String, String> extra = fault.status() == 401
                ? Map.of("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"") : null;
        reply(exchange, fault, extra);
    }

    private void recordAttempt(SendAttempt a) {
        attempts.add(a);
        Consumer<SendAttempt> callback = attemptListener.get();
        if (callback != null) callback.accept(a);
    }

    private String errorCodeOf(FcmFault fault) {
        try {
            JsonNode error = json.readTree(fault.body()).path("error");
            for (JsonNode d : error.path("details")) {
                if (d.has("errorCode")) return d.get("errorCode").asText();
            }
            return error.path("status").asText(null);
        } catch (IOException e) {
            return null;
        }
    }

    // ----- v1 JSON validation ----------------------------------------------------------------------------------

    private static final class Validation {
        FcmFault fault;

        void fail(FcmFault f) {
            if (fault == null) fault = f;
        }
    }

    private void validate(JsonNode root, Validation v) {
        unknownFields(root, ROOT_FIELDS, null, v);
        JsonNode message = root.get("message");
        if (message == null || !message.isObject()) {
            v.fail(fcmInvalid("Request contains an invalid argument."));
            return;
        }
        unknownFields(message, MESSAGE_FIELDS, "message", v);
        int targets = 0;
        for (String target : List.of("token", "topic", "condition")) {
            if (message.has(target)) targets++;
        }
        if (targets == 0) {
            v.fail(fcmInvalid("Recipient of the message is not set."));
        } else if (targets > 1) {
            v.fail(badRequest("message", "Invalid JSON payload received. Oneof field 'target' is already set."));
        } else if (!message.has("token")) {
            v.fail(fcmInvalid("This fake only knows registration-token messages."));
        } else if (!message.get("token").isTextual() || message.get("token").asText().isBlank()) {
            v.fail(fcmInvalid("The registration token is not a valid FCM registration token"));
        }
        int size = validateData(message.get("data"), "message.data", v);
        JsonNode android = message.get("android");
        if (android != null) {
            if (!android.isObject()) {
                v.fail(badRequest("message.android", "Invalid value at 'message.android' "
                        + "(type.googleapis.com/google.firebase.fcm.v1.AndroidConfig), " + android));
                return;
            }
            unknownFields(android, ANDROID_FIELDS, "message.android", v);
            JsonNode priority = android.get("priority");
            if (priority != null && !(priority.isTextual() && Set.of("normal", "high", "NORMAL", "HIGH").contains(priority.asText()))) {
                v.fail(badRequest("message.android.priority", "Invalid value at 'message.android.priority' "
                        + "(type.googleapis.com/google.firebase.fcm.v1.AndroidMessagePriority), " + priority));
            }
            JsonNode ttl = android.get("ttl");
            if (ttl != null) {
                Matcher m = ttl.isTextual() ? TTL.matcher(ttl.asText()) : null;
                if (m == null || !m.matches()) {
                    v.fail(badRequest("message.android.ttl", "Invalid value at 'message.android.ttl' "
                            + "(type.googleapis.com/google.protobuf.Duration), " + ttl));
                } else if (Long.parseLong(m.group(1)) > MAX_TTL_SECONDS
                        || (Long.parseLong(m.group(1)) == MAX_TTL_SECONDS && m.group(2) != null && !m.group(2).matches("\\.0+"))) {
                    v.fail(fcmInvalid("The TTL value is out of range: it must be at most 4 weeks."));
                }
            }
            for (String key : List.of("collapse_key", "collapseKey", "restricted_package_name", "restrictedPackageName")) {
                JsonNode n = android.get(key);
                if (n != null && !n.isTextual()) {
                    v.fail(badRequest("message.android." + key, "Invalid value at 'message.android." + key
                            + "' (TYPE_STRING), " + n));
                }
            }
            for (String key : List.of("direct_boot_ok", "directBootOk")) {
                JsonNode n = android.get(key);
                if (n != null && !n.isBoolean()) {
                    v.fail(badRequest("message.android." + key, "Invalid value at 'message.android." + key
                            + "' (TYPE_BOOL), " + n));
                }
            }
            size += validateData(android.get("data"), "message.android.data", v);
        }
        if (size > 4096) v.fail(fcmInvalid("Android message is too big"));
    }

    /** Checks a data map; returns its size in bytes (keys plus values). */
    private int validateData(JsonNode data, String field, Validation v) {
        if (data == null) return 0;
        if (!data.isObject()) {
            v.fail(badRequest(field, "Invalid value at '" + field + "' (type.googleapis.com/google.protobuf.Struct), " + data));
            return 0;
        }
        int size = 0;
        int i = 0;
        for (Map.Entry<String, JsonNode> e : data.properties()) {
            int index = i++;
            String key = e.getKey();
            if (!e.getValue().isTextual()) {
                v.fail(badRequest(field + "[" + index + "].value", "Invalid value at '" + field + "[" + index + "].value' (TYPE_STRING), "
                        + e.getValue()));
                continue;
            }
            String lower = key.toLowerCase(java.util.Locale.ROOT);
            if (key.isEmpty() || RESERVED_DATA_KEYS.contains(lower) || lower.startsWith("google") || lower.startsWith("gcm")) {
                v.fail(fcmInvalid("Invalid data payload key: " + key));
            }
            size += key.getBytes(StandardCharsets.UTF_8).length + e.getValue().asText().getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }

    private void unknownFields(JsonNode node, Set<String> known, String where, Validation v) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                v.fail(badRequest(where, "Invalid JSON payload received. Unknown name \"" + f + "\""
                        + (where == null ? "" : " at '" + where + "'") + ": Cannot find field."));
            }
        }
    }

    private FcmFault fcmInvalid(String message) {
        return FcmFault.fcm(400, "INVALID_ARGUMENT", message, "INVALID_ARGUMENT");
    }

    private FcmFault badRequest(String field, String description) {
        ObjectNode detail = json.createObjectNode();
        detail.put("@type", "type.googleapis.com/google.rpc.BadRequest");
        ObjectNode violation = detail.putArray("fieldViolations").addObject();
        if (field != null) violation.put("field", field);
        violation.put("description", description);
        return FcmFault.google(400, "INVALID_ARGUMENT", description, detail);
    }

    private FcmFault unauthenticated(String first) {
        return FcmFault.google(401, "UNAUTHENTICATED", first + " Expected OAuth 2 access token, login cookie or other "
                + "valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.", null);
    }

    // ----- plumbing -----------------------------------------------------------------------------------------

    private static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    private static Map<String, String> parseForm(byte[] body) {
        Map<String, String> form = new LinkedHashMap<>();
        String s = new String(body, StandardCharsets.UTF_8);
        if (s.isEmpty()) return form;
        for (String pair : s.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String val = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.putIfAbsent(k, val);
        }
        return form;
    }

    private static void reply(HttpExchange exchange, FcmFault answer, Map<String, String> extraHeaders) throws IOException {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        answer.headers().forEach((k, val) -> exchange.getResponseHeaders().set(k, val));
        if (extraHeaders != null) extraHeaders.forEach((k, val) -> exchange.getResponseHeaders().set(k, val));
        exchange.sendResponseHeaders(answer.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Map<String, String> strings(JsonNode data) {
        if (data == null || !data.isObject()) return Map.of();
        Map<String, String> m = new LinkedHashMap<>();
        data.properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
        return Collections.unmodifiableMap(m);
    }

    private static String text(JsonNode n) {
        return n != null && n.isTextual() ? n.asText() : null;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}

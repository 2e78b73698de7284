package io.sipwake.push.webpush.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sipwake.push.webpush.Vapid;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A WebPush push service (RFC 8030) on loopback that checks what real push services check, for tests:
 *
 * <ul>
 *   <li>only POST to a known subscription; an expired one answers 410 Gone (Mozilla autopush, Chrome), an unknown
 *       one 404 Not Found (RFC 8030 §7.3);
 *   <li>{@code TTL} is required, a non-negative integer (RFC 8030 §5.2: else 400); {@code Urgency} one of
 *       very-low, low, normal, high (§5.3); {@code Topic} at most 32 base64url characters (§5.4);
 *   <li>a body needs {@code Content-Encoding: aes128gcm} (RFC 8291; sipwake sends none, RFC 8599 §12);
 *   <li>VAPID (RFC 8292): {@code Authorization: vapid t=<JWT>, k=<key>}; the JWT must be ES256, signed by {@code k},
 *       {@code aud} the origin of the push resource, {@code exp} in the future and at most 24 hours away,
 *       {@code sub} a mailto: or https: URI; otherwise 401. A subscription restricted to one key (the
 *       application server key it was created with) refuses any other with 403.
 * </ul>
 *
 * Errors have autopush's JSON body: {@code {"code":401,"errno":109,"error":"Unauthorized","message":"..."}}.
 * Accepted pushes get 201 Created with a Location and are kept for the test to inspect.
 */
public final class FakeWebPushServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VAPID = Pattern.compile("vapid\\s+t=([^,\\s]+)\\s*,\\s*k=([A-Za-z0-9_-]+)");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Set<String> URGENCIES = Set.of("very-low", "low", "normal", "high");

    /** A push the service accepted. */
    public record Received(Instant at, URI subscription, Map<String, List<String>> headers, byte[] body, JsonNode vapidClaims) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) return e.getValue().get(0);
            }
            return null;
        }
    }

    private final HttpServer server;
    private final Map<String, String> subscriptions = new ConcurrentHashMap<>(); // id -> restricting key, or ""
    private final Set<String> expired = ConcurrentHashMap.newKeySet();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Integer> answers = new CopyOnWriteArrayList<>();

    private FakeWebPushServer(HttpServer server) {
        this.server = server;
    }

    public static FakeWebPushServer start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        FakeWebPushServer fake = new FakeWebPushServer(server);
        server.createContext("/", fake::handle);
        server.start();
        return fake;
    }

    /** The push service's origin, {@code http://127.0.0.1:<port>}. */
    public String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A new push subscription's URI, as a browser would give the web app. */
    public URI subscribe() {
        return subscribe("");
    }

    /** A new subscription restricted to the application server key {@code vapidPublicKey} (RFC 8292 §3.2). */
    public URI subscribe(String vapidPublicKey) {
        String id = UUID.randomUUID().toString().replace("-", "");
        subscriptions.put(id, vapidPublicKey);
        return URI.create(origin() + "/wpush/v2/" + id);
    }

    /** The user unsubscribed or the browser dropped it: pushes to it now get 410 Gone. */
    public void expire(URI subscription) {
        expired.add(idOf(subscription));
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** The status of every POST answered, in order. */
    public List<Integer> answers() {
        return List.copyOf(answers);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static String idOf(URI uri) {
        String path = uri.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                error(exchange, 405, 101, "Method Not Allowed", "push messages are POSTed");
                return;
            }
            String id = idOf(exchange.getRequestURI());
            if (!exchange.getRequestURI().getPath().startsWith("/wpush/v2/") || !subscriptions.containsKey(id)) {
                error(exchange, 404, 102, "Not Found", "no such subscription");
                return;
            }
            if (expired.contains(id)) {
                error(exchange, 410, 103, "Gone", "request did not validate: subscription expired");
                return;
            }
            var headers = exchange.getRequestHeaders();
            String ttl = headers.getFirst("TTL");
            if (ttl == null || !ttl.matches("\\d{1,10}")) {
                error(exchange, 400, 111, "Bad Request", "missing or invalid TTL header");
                return;
            }
            String urgency = headers.getFirst("Urgency");
            if (urgency != null && (!URGENCIES.contains(urgency) || headers.get("Urgency").size() > 1)) {
                error(exchange, 400, 112, "Bad Request", "invalid Urgency");
                return;
            }
            String topic = headers.getFirst("Topic");
            if (topic != null && !TOPIC.matcher(topic).matches()) {
                error(exchange, 400, 113, "Bad Request", "Topic must be at most 32 base64url characters");
                return;
            }
            if (body.length > 0 && !"aes128gcm".equals(headers.getFirst("Content-Encoding"))) {
                error(exchange, 400, 110, "Bad Request", "a payload must be encrypted (Content-Encoding: aes128gcm)");
                return;
            }
            String authorization = headers.getFirst("Authorization");
            Matcher m = authorization == null ? null : VAPID.matcher(authorization);
            if (m == null || !m.matches()) {
                error(exchange, 401, 109, "Unauthorized", "missing or malformed VAPID authorization");
                return;
            }
            JsonNode claims;
            try {
                claims = verify(m.group(1), m.group(2));
            } catch (Invalid e) {
                error(exchange, 401, 109, "Unauthorized", e.getMessage());
                return;
            }
            String restricted = subscriptions.get(id);
            if (!restricted.isEmpty() && !restricted.equals(m.group(2))) {
                error(exchange, 403, 109, "Forbidden", "this subscription is restricted to another application server key");
                return;
            }
            received.add(new Received(Instant.now(), URI.create(origin() + exchange.getRequestURI().getPath()),
                    Map.copyOf(headers), body, claims));
            exchange.getResponseHeaders().add("Location", origin() + "/m/" + UUID.randomUUID());
            exchange.getResponseHeaders().add("TTL", ttl);
            answers.add(201);
            exchange.sendResponseHeaders(201, -1);
        }
    }

    private JsonNode verify(String jwt, String key) throws Invalid {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) throw new Invalid("the VAPID token is not a JWT");
        try {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            JsonNode header = JSON.readTree(b64.decode(parts[0]));
            if (!"ES256".equals(header.path("alg").asText())) throw new Invalid("the VAPID token must be ES256");
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initVerify(publicKey(b64.decode(key)));
            ecdsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            byte[] jose = b64.decode(parts[2]);
            if (jose.length != 64 || !ecdsa.verify(Vapid.derSignature(jose))) throw new Invalid("bad VAPID signature");
            JsonNode claims = JSON.readTree(b64.decode(parts[1]));
            if (!origin().equals(claims.path("aud").asText())) throw new Invalid("aud must be " + origin());
            long exp = claims.path("exp").asLong(0);
            long now = Instant.now().getEpochSecond();
            if (exp <= now) throw new Invalid("the VAPID token expired");
            if (exp > now + 24 * 3600) throw new Invalid("exp is more than 24 hours away");
            String sub = claims.path("sub").asText("");
            if (!sub.startsWith("mailto:") && !sub.startsWith("https:")) throw new Invalid("sub must be a mailto: or https: URI");
            return claims;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new Invalid("unreadable VAPID token: " + e.getMessage());
        }
    }

    private static PublicKey publicKey(byte[] uncompressed) throws GeneralSecurityException, Invalid {
        if (uncompressed.length != 65 || uncompressed[0] != 4) throw new Invalid("k is not an uncompressed P-256 point");
        AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
        p.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = p.getParameterSpec(ECParameterSpec.class);
        ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(uncompressed, 1, 33)),
                new BigInteger(1, Arrays.copyOfRange(uncompressed, 33, 65)));
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
    }

    private void error(HttpExchange exchange, int code, int errno, String error, String message) throws IOException {
        answers.add(code);
        byte[] body = JSON.createObjectNode().put("code", code).put("errno", errno).put("error", error).put("message", message)
                .toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }
}

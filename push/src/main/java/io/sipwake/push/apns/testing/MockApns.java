package io.sipwake.push.apns.testing;

import io.sipwake.push.RetryPolicy;
import com.eatthepath.pushy.apns.auth.ApnsVerificationKey;
import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.PushNotificationHandler;
import com.eatthepath.pushy.apns.server.PushNotificationHandlerFactory;
import com.eatthepath.pushy.apns.server.RejectedNotificationException;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.server.ValidatingPushNotificationHandlerFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sipwake.push.apns.ApnsSettings;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An APNs double for tests: Pushy's {@link MockApnsServer} over real TLS and HTTP/2, validating JWT signatures,
 * key ids, device tokens and topics the way APNs does ({@code ValidatingPushNotificationHandlerFactory}), plus:
 * every request it receives is recorded (headers and payload) and can be observed as it arrives, connections are
 * counted, and a test may script an answer (e.g. 503) before validation runs.
 *
 * <p>Quick start (e.g. an end-to-end test that wakes a phone when its VoIP push arrives):
 * <pre>{@code
 * MockApns apns = MockApns.start(tempDir, "TEAM123456", "KEY1234567", Set.of("org.example.phone"));
 * apns.allow("org.example.phone.voip", token);
 * apns.onReceived(r -> wakePhone(r.json().get("call-id").asText()));
 * ApnsPushSender sender = new ApnsPushSender(apns.settings());
 * }</pre>
 * Note that the mock refuses payloads over 4096 bytes for every push type (APNs allows 5120 for VoIP).
 */
public final class MockApns implements AutoCloseable {

    static {
        quietNettyAndPushyLogs();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Shared by all mock servers so that shutting one down only closes its channels (no 2 s quiet period). */
    private static final EventLoopGroup SERVER_LOOP = newLoop();

    /** One request as the server saw it. Header names are lower case; {@code :path} is {@code /3/device/<token>}. */
    public record Received(Map<String, String> headers, String payload) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String token() {
            return headers.get(":path").substring("/3/device/".length());
        }

        public JsonNode json() {
            try {
                return JSON.readTree(payload);
            } catch (Exception e) {
                throw new AssertionError("payload is not JSON: " + payload, e);
            }
        }
    }

    private final Map<String, Set<String>> tokensByTopic = new ConcurrentHashMap<>();
    private final Map<String, Instant> unregisteredTokens = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Consumer<Received>> observers = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Function<Received, RejectionReason> script = r -> null;
    private final ApnsTestCredentials.ServerIdentity identity;
    private final List<ApnsTestCredentials.SigningKey> keys;
    private final Set<String> bundleIds;
    private final MockApnsServer server;
    private final int port;

    /**
     * Makes a TLS identity and one signing key in {@code dir} and starts a server that accepts that key for
     * the given bundles and their {@code .voip} topics.
     */
    public static MockApns start(Path dir, String teamId, String keyId, Set<String> bundleIds) throws Exception {
        return new MockApns(ApnsTestCredentials.serverIdentity(dir),
                List.of(ApnsTestCredentials.signingKey(dir, teamId, keyId)), bundleIds);
    }

    /**
     * Starts a server on a free loopback port.
     *
     * @param identity  the server's TLS certificate and key
     * @param keys      signing keys the server accepts (by key id), each for every topic of {@code bundleIds}
     * @param bundleIds bare bundle ids; each allows the topics {@code <bundle>} and {@code <bundle>.voip}
     */
    public MockApns(ApnsTestCredentials.ServerIdentity identity, List<ApnsTestCredentials.SigningKey> keys,
                    Set<String> bundleIds) throws Exception {
        this.identity = identity;
        this.keys = List.copyOf(keys);
        this.bundleIds = Set.copyOf(bundleIds);
        Set<String> topics = new HashSet<>();
        for (String bundle : bundleIds) {
            topics.add(bundle);
            topics.add(bundle + ".voip");
        }
        Map<String, ApnsVerificationKey> keysById = new LinkedHashMap<>();
        Map<ApnsVerificationKey, Set<String>> topicsByKey = new LinkedHashMap<>();
        for (ApnsTestCredentials.SigningKey key : keys) {
            keysById.put(key.keyId(), key.verificationKey());
            topicsByKey.put(key.verificationKey(), Set.copyOf(topics));
        }
        PushNotificationHandlerFactory validating =
                new ValidatingPushNotificationHandlerFactory(tokensByTopic, unregisteredTokens, keysById, topicsByKey);
        PushNotificationHandlerFactory recording = sslSession -> {
            connections.incrementAndGet();
            PushNotificationHandler delegate = validating.buildHandler(sslSession);
            return (headers, payload) -> {
                Received r = new Received(headerMap(headers), payload == null ? "" : payload.toString(StandardCharsets.UTF_8));
                received.add(r);
                for (Consumer<Received> observer : observers) observer.accept(r);
                RejectionReason scripted = script.apply(r);
                if (scripted != null) throw new RejectedNotificationException(scripted);
                delegate.handlePushNotification(headers, payload);
            };
        };
        this.server = new MockApnsServerBuilder()
                .setServerCredentials(new X509Certificate[] {identity.certificate()}, identity.privateKey(), null)
                .setHandlerFactory(recording)
                .setEventLoopGroup(SERVER_LOOP)
                .build();
        this.port = server.start(0).get(10, TimeUnit.SECONDS);
    }

    private static Map<String, String> headerMap(Http2Headers headers) {
        Map<String, String> map = new LinkedHashMap<>();
        headers.forEach(e -> map.put(e.getKey().toString().toLowerCase(Locale.ROOT), e.getValue().toString()));
        return map;
    }

    public int port() {
        return port;
    }

    /** The endpoint a sender uses to reach this server, trusting its certificate. */
    public ApnsSettings.Endpoint endpoint() {
        return new ApnsSettings.Endpoint("localhost", port, identity.certificatePem());
    }

    /** The sender's view of the first signing key: its team, key id, .p8 file and this server's bundle ids. */
    public ApnsSettings.Team team() {
        ApnsTestCredentials.SigningKey key = keys.get(0);
        return new ApnsSettings.Team(key.teamId(), key.keyId(), key.p8File(), bundleIds);
    }

    /** Settings that send both environments to this server, with quick retries. */
    public ApnsSettings settings() {
        return ApnsSettings.of(team()).withProduction(endpoint()).withSandbox(endpoint())
                .withRetry(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50)));
    }

    /** Lets {@code token} be pushed on {@code topic} (a bundle id, or a bundle id plus {@code .voip}). */
    public MockApns allow(String topic, String token) {
        tokensByTopic.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(token);
        return this;
    }

    /** Makes the server answer 410 Unregistered for the token, with this invalidation time. */
    public MockApns unregister(String token, Instant since) {
        unregisteredTokens.put(token, since);
        return this;
    }

    /** Answers each request with the reason the function gives (null: validate and answer normally). */
    public MockApns script(Function<Received, RejectionReason> script) {
        this.script = script;
        return this;
    }

    /** Answers the first {@code n} requests with {@code reason}, then normally. */
    public MockApns failFirst(int n, RejectionReason reason) {
        AtomicInteger count = new AtomicInteger();
        return script(r -> count.incrementAndGet() <= n ? reason : null);
    }

    /** Calls {@code observer} on a server thread for each request as it arrives, before it is answered. */
    public MockApns onReceived(Consumer<Received> observer) {
        observers.add(observer);
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** The one request received so far; fails if there were none or several. */
    public Received only() {
        List<Received> all = received();
        if (all.size() != 1) throw new AssertionError("expected exactly one APNs request, got " + all.size());
        return all.get(0);
    }

    /** TLS connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    public Set<String> tokensSeen() {
        Set<String> tokens = new HashSet<>();
        for (Received r : received) tokens.add(r.token());
        return tokens;
    }

    @Override
    public void close() throws java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
        try {
            server.shutdown().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @SuppressWarnings("deprecation") // Pushy 0.15 recognises NioEventLoopGroup by class name, not 4.2's replacement
    private static EventLoopGroup newLoop() {
        return new io.netty.channel.nio.NioEventLoopGroup(2, new DefaultThreadFactory("mock-apns", true));
    }

    /** Netty and Pushy log at DEBUG under Logback's default configuration; keep test output readable. */
    private static void quietNettyAndPushyLogs() {
        try {
            for (String name : new String[] {"io.netty", "com.eatthepath"}) {
                if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger
                        && logger.getLevel() == null) {
                    logger.setLevel(ch.qos.logback.classic.Level.INFO);
                }
            }
        } catch (LinkageError noLogback) {
            // another SLF4J backend: leave its configuration alone
        }
    }
}

package io.sipwake.push.apns;

import io.sipwake.push.RetryPolicy;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.fasterxml.jackson.databind.JsonNode;
import io.sipwake.push.PushKind;
import io.sipwake.push.PushRequest;
import io.sipwake.push.PushResult;
import io.sipwake.push.apns.testing.ApnsTestCredentials;
import io.sipwake.push.apns.testing.MockApns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ApnsPushSender} against Pushy's MockApnsServer: real TLS (a certificate made at test time), real HTTP/2,
 * JWTs signed with a .p8 key loaded through the production path and verified by the server.
 */
class ApnsPushSenderTest {

    static final String TEAM = "TEAM123456";
    static final String KEY_ID = "KEY1234567";
    static final String BUNDLE = "org.example.phone";
    static final String VOIP_TOPIC = BUNDLE + ".voip";
    static final RetryPolicy FAST_RETRY = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50));

    @TempDir
    static Path dir;
    static ApnsTestCredentials.ServerIdentity identity;
    static ApnsTestCredentials.SigningKey key;

    final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void credentials() throws Exception {
        identity = ApnsTestCredentials.serverIdentity(dir);
        key = ApnsTestCredentials.signingKey(dir, TEAM, KEY_ID);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) closeables.get(i).close();
    }

    // ---- fixtures -------------------------------------------------------------------------------------------

    MockApns mock() throws Exception {
        MockApns mock = new MockApns(identity, List.of(key), Set.of(BUNDLE));
        closeables.add(mock);
        return mock;
    }

    ApnsSettings settings(MockApns production, MockApns sandbox) {
        ApnsSettings.Team team = new ApnsSettings.Team(TEAM, KEY_ID, key.p8File(), Set.of(BUNDLE));
        return ApnsSettings.of(team)
                .withProduction(production.endpoint())
                .withSandbox(sandbox.endpoint())
                .withRetry(FAST_RETRY);
    }

    ApnsPushSender sender(ApnsSettings settings) {
        ApnsPushSender sender = new ApnsPushSender(settings);
        closeables.add(sender);
        return sender;
    }

    ApnsPushSender sender(MockApns server) {
        return sender(settings(server, server));
    }

    static String token() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    static PushRequest request(PushKind kind, String param, String prid, Instant deadline) {
        return new PushRequest("apns", param, prid, false, kind, deadline, "a84b4c76e66710@pc33.example.com",
                "5e1c0c8e-5b5b-4c1b-9d7a-2b8f0d4f6a10", "sip:alice@example.com", "Alice", true,
                Instant.now(), null);
    }

    static PushRequest request(PushKind kind, String prid) {
        return request(kind, TEAM + "." + BUNDLE + ".voip&remote", prid, Instant.now().plusSeconds(30));
    }

    static PushResult await(CompletableFuture<PushResult> future) throws Exception {
        return future.get(20, TimeUnit.SECONDS);
    }

    // ---- what the push looks like -------------------------------------------------------------------------

    @Test
    void callIsAVoipPushOnTheVoipTopicWithPriority10ExpiringAtTheDeadlineCarryingWhatCallKitNeeds() throws Exception {
        MockApns apns = mock();
        String voip = token();
        String remote = token();
        apns.allow(VOIP_TOPIC, voip);
        Instant deadline = Instant.now().plusSeconds(30).truncatedTo(ChronoUnit.MILLIS);
        PushRequest call = request(PushKind.CALL, TEAM + "." + BUNDLE + ".voip&remote",
                voip + ":voip&" + remote + ":remote", deadline);

        PushResult result = await(sender(apns).send(call));

        assertThat(result).isInstanceOf(PushResult.Accepted.class);
        PushResult.Accepted accepted = (PushResult.Accepted) result;
        assertThat(accepted.status()).isEqualTo(200);
        assertThat(UUID.fromString(accepted.providerId())).isNotNull();
        MockApns.Received got = apns.only();
        assertThat(got.token()).isEqualTo(voip);
        assertThat(got.header("apns-push-type")).isEqualTo("voip");
        assertThat(got.header("apns-topic")).isEqualTo(VOIP_TOPIC);
        assertThat(got.header("apns-priority")).isEqualTo("10");
        assertThat(got.header("apns-expiration")).isEqualTo(Long.toString(deadline.getEpochSecond()));
        assertThat(got.header("apns-collapse-id")).isEqualTo(call.callId());
        assertThat(got.header("authorization")).startsWith("bearer ");
        JsonNode json = got.json();
        assertThat(json.get("aps").isObject()).isTrue();
        assertThat(json.get("aps").size()).isZero();
        assertThat(json.get("kind").asText()).isEqualTo("call");
        assertThat(json.get("call-id").asText()).isEqualTo(call.callId());
        assertThat(json.get("uuid").asText()).isEqualTo(call.callUuid());
        assertThat(json.get("caller").asText()).isEqualTo("sip:alice@example.com");
        assertThat(json.get("caller-name").asText()).isEqualTo("Alice");
        assertThat(json.get("video").asBoolean()).isTrue();
        assertThat(json.get("sent-at").asLong()).isEqualTo(call.sentAt().toEpochMilli());
        assertThat(json.get("deadline").asLong()).isEqualTo(deadline.toEpochMilli());
    }

    @Test
    void voipSuffixAlreadyInPnParamIsNotDoubledInTheTopic() throws Exception {
        MockApns apns = mock();
        String voip = token();
        apns.allow(VOIP_TOPIC, voip);

        PushResult result = await(sender(apns).send(
                request(PushKind.CALL, TEAM + "." + BUNDLE + ".voip", voip, Instant.now().plusSeconds(30))));

        assertThat(result).isInstanceOf(PushResult.Accepted.class);
        assertThat(apns.only().header("apns-topic")).isEqualTo(VOIP_TOPIC);
    }

    @Test
    void missedCallIsAnAlertPushOnTheBareBundleTopicToTheRemoteToken() throws Exception {
        MockApns apns = mock();
        String voip = token();
        String remote = token();
        apns.allow(BUNDLE, remote);

        PushResult result = await(sender(apns).send(request(PushKind.MISSED_CALL, voip + ":voip&" + remote + ":remote")));

        assertThat(result).isInstanceOf(PushResult.Accepted.class);
        MockApns.Received got = apns.only();
        assertThat(got.token()).isEqualTo(remote);
        assertThat(got.header("apns-push-type")).isEqualTo("alert");
        assertThat(got.header("apns-topic")).isEqualTo(BUNDLE);
        assertThat(got.header("apns-priority")).isEqualTo("10");
        JsonNode aps = got.json().get("aps");
        assertThat(aps.get("alert").get("body").asText()).isEqualTo("Missed call from Alice");
        assertThat(got.json().get("kind").asText()).isEqualTo("missed-call");
    }

    @Test
    void messageIsAnAlertPushWithMutableContent() throws Exception {
        MockApns apns = mock();
        String remote = token();
        apns.allow(BUNDLE, remote);

        PushResult result = await(sender(apns).send(request(PushKind.MESSAGE, remote + ":remote")));

        assertThat(result).isInstanceOf(PushResult.Accepted.class);
        MockApns.Received got = apns.only();
        assertThat(got.header("apns-push-type")).isEqualTo("alert");
        assertThat(got.json().get("aps").get("mutable-content").asInt()).isEqualTo(1);
    }

    @Test
    void registrationRefreshIsABackgroundPushWithPriority5AndContentAvailable() throws Exception {
        MockApns apns = mock();
        String remote = token();
        apns.allow(BUNDLE, remote);

        PushResult result = await(sender(apns).send(request(PushKind.REGISTRATION_REFRESH, remote + ":remote")));

        assertThat(result).isInstanceOf(PushResult.Accepted.class);
        MockApns.Received got = apns.only();
        assertThat(got.header("apns-push-type")).isEqualTo("background");
        assertThat(got.header("apns-topic")).isEqualTo(BUNDLE);
        assertThat(got.header("apns-priority")).isEqualTo("5");
        assertThat(got.json().get("aps").get("content-available").asInt()).isEqualTo(1);
        assertThat(got.json().get("aps").has("alert")).isFalse();
    }

    @Test
    void callToABindingWithOnlyARemoteTokenIsAnAlertPushNeverVoip() throws Exception {
        MockApns apns = mock();
        String remote = token();
        apns.allow(BUNDLE, remote);

        PushResult result = await(sender(apns).send(
                request(PushKind.CALL, TEAM + "." + BUNDLE + ".remote", remote + ":remote", Instant.now().plusSeconds(30))));

        assertThat(result).isInstanceOf(PushResult.Accepted.class);
        MockApns.Received got = apns.only();
        assertThat(got.header("apns-push-type")).isEqualTo("alert");
        assertThat(got.header("apns-topic")).isEqualTo(BUNDLE);
        assertThat(got.json().get("aps").get("alert").get("title").asText()).isEqualTo("Incoming video call");
    }

    @Test
    void missedCallForABindingWithOnlyAPushKitTokenIsRefusedWithoutSending() throws Exception {
        MockApns apns = mock();
        String voip = token();

        PushResult result = await(sender(apns).send(request(PushKind.MISSED_CALL, voip + ":voip")));

        assertThat(result).isEqualTo(new PushResult.Rejected(0, "NoRemoteToken", false, false, null));
        assertThat(apns.received()).isEmpty();
    }

    @Test
    void hugeDisplayNameIsCutSoTheAlertFitsApnsLimit() throws Exception {
        MockApns apns = mock(); // the mock refuses payloads over 4096 bytes, as APNs does for alerts
        String remote = token();
        apns.allow(BUNDLE, remote);
        PushRequest base = request(PushKind.MISSED_CALL, remote + ":remote");
        PushRequest hugeName = new PushRequest(base.provider(), base.param(), base.prid(), false, base.kind(),
                base.deadline(), base.callId(), base.callUuid(), base.caller(), "Ä".repeat(10_000), false, base.sentAt(), null);

        PushResult result = await(sender(apns).send(hugeName));

        assertThat(result).isInstanceOf(PushResult.Accepted.class);
        MockApns.Received got = apns.only();
        assertThat(got.payload().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
        assertThat(got.json().get("caller-name").asText()).startsWith("ÄÄÄ").endsWith("…");
    }

    // ---- choosing team, app and environment ----------------------------------------------------------------

    @Test
    void sandboxBindingGoesToTheSandboxHostAndProductionToProductionEachOverItsOwnClient() throws Exception {
        MockApns production = mock();
        MockApns sandbox = mock();
        String prodToken = token();
        String devToken = token();
        production.allow(VOIP_TOPIC, prodToken);
        sandbox.allow(VOIP_TOPIC, devToken);
        ApnsPushSender sender = sender(settings(production, sandbox));
        PushRequest prod = request(PushKind.CALL, prodToken + ":voip");
        PushRequest dev = new PushRequest("apns.dev", prod.param(), devToken + ":voip", false, PushKind.CALL,
                prod.deadline(), "dev-call", null, "sip:bob@example.com", null, false, Instant.now(), null);

        assertThat(await(sender.send(prod))).isInstanceOf(PushResult.Accepted.class);
        assertThat(await(sender.send(dev))).isInstanceOf(PushResult.Accepted.class);

        assertThat(production.tokensSeen()).containsExactly(prodToken);
        assertThat(sandbox.tokensSeen()).containsExactly(devToken);
        assertThat(sender.openClientCount()).isEqualTo(2);
    }

    @Test
    void concurrentSendsReuseOneClientAndOneHttp2Connection() throws Exception {
        MockApns apns = mock();
        ApnsPushSender sender = sender(apns);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String t = token();
            apns.allow(VOIP_TOPIC, t);
            tokens.add(t);
        }
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<PushResult>> results = new ArrayList<>();
            for (String t : tokens) {
                results.add(CompletableFuture.supplyAsync(() -> sender.send(request(PushKind.CALL, t + ":voip")), callers)
                        .thenCompose(f -> f));
            }
            for (CompletableFuture<PushResult> r : results) assertThat(await(r)).isInstanceOf(PushResult.Accepted.class);
        } finally {
            callers.shutdownNow();
        }

        assertThat(apns.received()).hasSize(100);
        assertThat(sender.openClientCount()).isEqualTo(1);
        assertThat(apns.connections()).isEqualTo(1);
    }

    @Test
    void teamInPnParamThatDoesNotOwnTheBundleFallsBackToTheTeamThatLists() throws Exception {
        MockApns apns = mock();
        String voip = token();
        apns.allow(VOIP_TOPIC, voip);

        // liblinphone's default team id leaking into a real contact (linphone-sdk #232)
        PushResult result = await(sender(apns).send(
                request(PushKind.CALL, "ABCD1234." + BUNDLE + ".voip", voip, Instant.now().plusSeconds(30))));

        assertThat(result).isInstanceOf(PushResult.Accepted.class);
    }

    @Test
    void appThatNoTeamListsIsRefusedLocallyAsAnOperatorError() throws Exception {
        MockApns apns = mock();

        PushResult result = await(sender(apns).send(
                request(PushKind.CALL, TEAM + ".org.other.app.voip", token(), Instant.now().plusSeconds(30))));

        assertThat(result).isEqualTo(new PushResult.Rejected(0, "UnknownApp", false, true, null));
        assertThat(apns.received()).isEmpty();
    }

    // ---- outcomes ----------------------------------------------------------------------------------------

    @Test
    void unregisteredTokenIsRejectedAsDeadWithTheTimeApnsGives() throws Exception {
        MockApns apns = mock();
        String voip = token();
        Instant since = Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.MILLIS);
        apns.allow(VOIP_TOPIC, voip).unregister(voip, since);

        PushResult result = await(sender(apns).send(request(PushKind.CALL, voip + ":voip")));

        assertThat(result).isEqualTo(new PushResult.Rejected(410, "Unregistered", true, false, since));
    }

    @Test
    void deviceTokenNotForTopicIsAnOperatorErrorAndTheTokenIsKept() throws Exception {
        MockApns apns = mock();
        String voip = token(); // valid format, but not registered for the topic

        PushResult result = await(sender(apns).send(request(PushKind.CALL, voip + ":voip")));

        assertThat(result).isEqualTo(new PushResult.Rejected(400, "DeviceTokenNotForTopic", false, true, null));
        assertThat(apns.received()).hasSize(1);
    }

    @Test
    void signingKeyApnsDoesNotKnowIsAnOperatorError() throws Exception {
        MockApns apns = mock();
        String voip = token();
        apns.allow(VOIP_TOPIC, voip);
        ApnsTestCredentials.SigningKey stranger = ApnsTestCredentials.signingKey(dir, TEAM, "UNKNOWNKEY");
        ApnsSettings settings = settings(apns, apns);
        settings = new ApnsSettings(List.of(new ApnsSettings.Team(TEAM, "UNKNOWNKEY", stranger.p8File(), Set.of(BUNDLE))),
                settings.production(), settings.sandbox(), settings.connection(), settings.retry(), true);

        PushResult result = await(sender(settings).send(request(PushKind.CALL, voip + ":voip")));

        assertThat(result).isEqualTo(new PushResult.Rejected(403, "InvalidProviderToken", false, true, null));
        assertThat(apns.received()).hasSize(1);
    }

    @Test
    void badDeviceTokenInBothEnvironmentsIsDead() throws Exception {
        MockApns production = mock();
        MockApns sandbox = mock();
        String garbage = "not-a-hex-token-at-all-0123456789"; // the mock answers BadDeviceToken for non-hex tokens

        PushResult result = await(sender(settings(production, sandbox)).send(request(PushKind.CALL, garbage + ":voip")));

        assertThat(result).isEqualTo(new PushResult.Rejected(400, "BadDeviceToken", true, false, null));
        assertThat(production.received()).hasSize(1);
        assertThat(sandbox.received()).hasSize(1);
    }

    @Test
    void badDeviceTokenThatTheOtherEnvironmentAcceptsIsDeliveredThereAndNotDead() throws Exception {
        MockApns production = mock();
        MockApns sandbox = mock();
        String debugBuildToken = token();
        production.script(r -> RejectionReason.BAD_DEVICE_TOKEN); // APNs production does not know a sandbox token
        sandbox.allow(VOIP_TOPIC, debugBuildToken);

        PushResult result = await(sender(settings(production, sandbox)).send(request(PushKind.CALL, debugBuildToken + ":voip")));

        assertThat(result).isInstanceOf(PushResult.Accepted.class);
        assertThat(sandbox.only().header("apns-push-type")).isEqualTo("voip");
    }

    @Test
    void badDeviceTokenWithProbingOffIsDeadAtOnce() throws Exception {
        MockApns production = mock();
        MockApns sandbox = mock();
        production.script(r -> RejectionReason.BAD_DEVICE_TOKEN);

        PushResult result = await(sender(settings(production, sandbox).withProbeOtherEnvironment(false))
                .send(request(PushKind.CALL, token() + ":voip")));

        assertThat(result).isEqualTo(new PushResult.Rejected(400, "BadDeviceToken", true, false, null));
        assertThat(production.received()).hasSize(1);
        assertThat(sandbox.received()).isEmpty();
    }

    @Test
    void payloadErrorIsRejectedAtOnceNeitherDeadNorOperatorError() throws Exception {
        MockApns apns = mock();
        apns.script(r -> RejectionReason.PAYLOAD_TOO_LARGE);

        PushResult result = await(sender(apns).send(request(PushKind.CALL, token() + ":voip")));

        assertThat(result).isEqualTo(new PushResult.Rejected(413, "PayloadTooLarge", false, false, null));
        assertThat(apns.received()).hasSize(1);
    }

    // ---- retries -----------------------------------------------------------------------------------------

    @Test
    void serviceUnavailableIsRetriedUpToMaxAttemptsThenFails() throws Exception {
        MockApns apns = mock();
        apns.script(r -> RejectionReason.SERVICE_UNAVAILABLE);

        PushResult result = await(sender(apns).send(request(PushKind.CALL, token() + ":voip")));

        assertThat(result).isInstanceOf(PushResult.Failed.class);
        assertThat(((PushResult.Failed) result).reason()).contains("503 ServiceUnavailable").contains("3 attempts");
        assertThat(apns.received()).hasSize(FAST_RETRY.maxAttempts());
    }

    @Test
    void internalErrorAndTooManyRequestsAreRetriedUntilAccepted() throws Exception {
        MockApns apns = mock();
        String voip = token();
        apns.allow(VOIP_TOPIC, voip);
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        apns.script(r -> switch (n.incrementAndGet()) {
            case 1 -> RejectionReason.INTERNAL_SERVER_ERROR;
            case 2 -> RejectionReason.TOO_MANY_REQUESTS;
            default -> null;
        });

        PushResult result = await(sender(apns).send(request(PushKind.CALL, voip + ":voip")));

        assertThat(result).isInstanceOf(PushResult.Accepted.class);
        assertThat(apns.received()).hasSize(3);
    }

    @Test
    void retriesStopAtTheDeadlineEvenWithAttemptsLeft() throws Exception {
        MockApns apns = mock();
        apns.script(r -> RejectionReason.SERVICE_UNAVAILABLE);
        ApnsSettings settings = settings(apns, apns)
                .withRetry(new RetryPolicy(1000, Duration.ofMillis(20), Duration.ofMillis(40)));

        PushResult result = await(sender(settings).send(
                request(PushKind.CALL, TEAM + "." + BUNDLE, token(), Instant.now().plusMillis(2500))));

        assertThat(result).isInstanceOf(PushResult.Failed.class);
        assertThat(((PushResult.Failed) result).reason()).contains("deadline");
        assertThat(apns.received().size()).isBetween(2, 999);
    }

    @Test
    void unreachableServerFailsOnceTheDeadlineLeavesNoRoomForRetries() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ApnsSettings.Endpoint nowhere = new ApnsSettings.Endpoint("localhost", closedPort, identity.certificatePem());
        ApnsSettings settings = ApnsSettings.of(new ApnsSettings.Team(TEAM, KEY_ID, key.p8File(), Set.of(BUNDLE)))
                .withProduction(nowhere).withSandbox(nowhere)
                .withRetry(new RetryPolicy(10, Duration.ofMillis(20), Duration.ofMillis(100)));

        PushResult result = await(sender(settings).send(
                request(PushKind.CALL, TEAM + "." + BUNDLE, token(), Instant.now().plusMillis(1500))));

        assertThat(result).isInstanceOf(PushResult.Failed.class);
        assertThat(((PushResult.Failed) result).reason()).containsAnyOf("deadline", "attempts");
    }

    @Test
    void expiredProviderTokenIsRetriedOnceOverAFreshConnection() throws Exception {
        MockApns apns = mock();
        String voip = token();
        apns.allow(VOIP_TOPIC, voip).failFirst(1, RejectionReason.EXPIRED_PROVIDER_TOKEN);

        PushResult result = await(sender(apns).send(request(PushKind.CALL, voip + ":voip")));

        assertThat(result).isInstanceOf(PushResult.Accepted.class);
        assertThat(apns.received()).hasSize(2);
        assertThat(apns.connections()).isEqualTo(2); // Pushy drops a connection whose token APNs calls expired
    }

    @Test
    void expiredProviderTokenTwiceIsAnOperatorError() throws Exception {
        MockApns apns = mock();
        apns.script(r -> RejectionReason.EXPIRED_PROVIDER_TOKEN);

        PushResult result = await(sender(apns).send(request(PushKind.CALL, token() + ":voip")));

        assertThat(result).isEqualTo(new PushResult.Rejected(403, "ExpiredProviderToken", false, true, null));
        assertThat(apns.received()).hasSize(2);
    }

    @Test
    void theApnsDoubleLetsAnEndToEndTestReactToAVoipPushAsItArrives(@TempDir Path own) throws Exception {
        MockApns apns = MockApns.start(own, "TEAMQUICK1", "KEYQUICK01", Set.of("org.example.quick"));
        closeables.add(apns);
        String voip = token();
        apns.allow("org.example.quick.voip", voip);
        CompletableFuture<String> woken = new CompletableFuture<>();
        apns.onReceived(r -> woken.complete(r.json().get("call-id").asText()));
        ApnsPushSender sender = sender(apns.settings());

        PushResult result = await(sender.send(
                request(PushKind.CALL, "TEAMQUICK1.org.example.quick.voip", voip + ":voip", Instant.now().plusSeconds(30))));

        assertThat(result).isInstanceOf(PushResult.Accepted.class);
        assertThat(woken.get(5, TimeUnit.SECONDS)).isEqualTo("a84b4c76e66710@pc33.example.com");
    }

    // ---- lifecycle and logs ------------------------------------------------------------------------------

    @Test
    void closeEndsPendingPushesAndLaterSendsFail() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ApnsSettings.Endpoint nowhere = new ApnsSettings.Endpoint("localhost", closedPort, identity.certificatePem());
        ApnsPushSender sender = sender(ApnsSettings.of(new ApnsSettings.Team(TEAM, KEY_ID, key.p8File(), Set.of(BUNDLE)))
                .withProduction(nowhere).withSandbox(nowhere)
                .withRetry(new RetryPolicy(100, Duration.ofMillis(200), Duration.ofMillis(200))));
        CompletableFuture<PushResult> pending = sender.send(
                request(PushKind.CALL, TEAM + "." + BUNDLE, token(), Instant.now().plusSeconds(60)));

        sender.close();

        assertThat(await(pending)).isInstanceOf(PushResult.Failed.class);
        assertThat(sender.openClientCount()).isZero();
        assertThat(await(sender.send(request(PushKind.CALL, token() + ":voip")))).isInstanceOf(PushResult.Failed.class);
    }

    @Test
    void rejectionsAreLoggedAtWarnWithTheReasonAndNeverWithTheWholeToken() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger("io.sipwake.push.apns");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            MockApns apns = mock();
            String dead = token();
            String wrongTopic = token();
            apns.allow(VOIP_TOPIC, dead).unregister(dead, Instant.now());
            ApnsPushSender sender = sender(apns);

            await(sender.send(request(PushKind.CALL, dead + ":voip")));
            await(sender.send(request(PushKind.CALL, wrongTopic + ":voip")));
            await(sender.send(request(PushKind.MISSED_CALL, wrongTopic + ":voip")));

            List<ILoggingEvent> events = List.copyOf(appender.list);
            assertThat(events).anySatisfy(e -> {
                assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
                assertThat(e.getFormattedMessage()).contains("Unregistered").contains(dead.substring(0, 4) + "…");
            });
            assertThat(events).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("DeviceTokenNotForTopic"));
            assertThat(events).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("NoRemoteToken"));
            for (ILoggingEvent e : events) {
                assertThat(e.getFormattedMessage()).doesNotContain(dead).doesNotContain(wrongTopic);
            }
        } finally {
            logger.detachAppender(appender);
        }
    }
}

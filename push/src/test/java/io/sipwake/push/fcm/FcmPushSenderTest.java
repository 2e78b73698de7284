package io.sipwake.push.fcm;

import io.sipwake.push.RetryPolicy;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sipwake.push.PushKind;
import io.sipwake.push.PushRequest;
import io.sipwake.push.PushResult;
import io.sipwake.push.fcm.testing.FakeFcmServer;
import io.sipwake.push.fcm.testing.FakeFcmServer.ReceivedMessage;
import io.sipwake.push.fcm.testing.FakeFcmServer.SendAttempt;
import io.sipwake.push.fcm.testing.FcmFault;
import io.sipwake.push.fcm.testing.MutableClock;
import io.sipwake.push.fcm.testing.TestServiceAccount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class FcmPushSenderTest {

    static final String PROJECT = "sipwake-test-1a2b3";
    static final String SENDER_ID = "929724111839";
    static final String TOKEN = token("device-a");

    @TempDir
    Path dir;

    FakeFcmServer fcm;
    TestServiceAccount account;
    MutableClock clock = new MutableClock();
    FcmPushSender sender;

    @BeforeEach
    void start() throws Exception {
        fcm = FakeFcmServer.start();
        account = fcm.createServiceAccount(dir, PROJECT);
        sender = new FcmPushSender(settings(FcmSettings.Project.of(PROJECT, account.jsonFile(), SENDER_ID)), clock);
    }

    @AfterEach
    void stop() {
        if (sender != null) sender.close();
        if (fcm != null) fcm.close();
    }

    FcmSettings settings(FcmSettings.Project... projects) {
        return FcmSettings.of(projects)
                .withApiBaseUrl(fcm.baseUri())
                .withRetry(new RetryPolicy(5, Duration.ofMillis(20), Duration.ofMillis(100)));
    }

    void replaceSender(FcmSettings settings) {
        sender.close();
        sender = new FcmPushSender(settings, clock);
    }

    static String token(String device) {
        // the shape of an FCM registration token: instance id, colon, APA91b…
        return "f1EwemxKT-CA3J6IQ98pRT:APA91bGd" + device + "_" + "Qx7".repeat(45);
    }

    PushRequest push(PushKind kind, String param, String prid, Duration untilDeadline) {
        Instant now = clock.instant();
        return new PushRequest("fcm", param, prid, false, kind, now.plus(untilDeadline), "a84b4c76e66710@pc33.example.com",
                "5f2d4e1a-3c9b-4b7e-9d7a-1b2c3d4e5f60", "sip:alice@example.com", "Alice Liddell", true, now, null);
    }

    PushRequest call(String prid) {
        return push(PushKind.CALL, PROJECT, prid, Duration.ofSeconds(30));
    }

    PushResult send(PushRequest request) throws Exception {
        return sender.send(request).get(30, TimeUnit.SECONDS);
    }

    // ---- the message --------------------------------------------------------------------------------------

    @Test
    void callPushIsHighPriorityDataMessageWithTtlUntilDeadlineAndCallIdCollapseKey_authorizedByServiceAccountToken() throws Exception {
        clock.freeze();
        PushRequest request = call(TOKEN);

        PushResult result = send(request);

        assertThat(result).isInstanceOfSatisfying(PushResult.Accepted.class, a -> {
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.providerId()).startsWith("projects/" + PROJECT + "/messages/0:");
        });
        assertThat(fcm.messages()).hasSize(1);
        ReceivedMessage m = fcm.messages().get(0);
        assertThat(m.projectId()).isEqualTo(PROJECT);
        assertThat(m.token()).isEqualTo(TOKEN);
        assertThat(m.priority()).isEqualTo("high");
        assertThat(m.ttl()).isEqualTo("30s");
        assertThat(m.collapseKey()).isEqualTo("a84b4c76e66710@pc33.example.com");
        assertThat(m.directBootOk()).isTrue();
        assertThat(m.message().has("notification")).as("data-only message").isFalse();
        assertThat(m.data()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                "type", "call",
                "call-id", "a84b4c76e66710@pc33.example.com",
                "uuid", "5f2d4e1a-3c9b-4b7e-9d7a-1b2c3d4e5f60",
                "caller", "sip:alice@example.com",
                "caller-name", "Alice Liddell",
                "video", "true",
                "sent-at", Long.toString(request.sentAt().toEpochMilli()),
                "deadline", Long.toString(request.deadline().toEpochMilli())));

        // the bearer token came from the JWT-bearer grant of this service account against the local token_uri
        assertThat(fcm.tokenRequests()).hasSize(1);
        FakeFcmServer.TokenRequest grant = fcm.tokenRequests().get(0);
        assertThat(grant.error()).isNull();
        assertThat(grant.clientEmail()).isEqualTo(account.clientEmail());
        assertThat(grant.claims().path("scope").asText()).contains(FcmPushSender.SCOPE);
        assertThat(grant.claims().path("aud").asText()).isEqualTo(FakeFcmServer.GOOGLE_TOKEN_AUDIENCE);
        assertThat(m.serviceAccount()).isEqualTo(account.clientEmail());
        assertThat(m.accessToken()).startsWith("ya29.");
    }

    @Test
    void eachKindGetsItsPriorityTtlAndCollapseKey() throws Exception {
        clock.freeze();
        send(push(PushKind.MESSAGE, PROJECT, token("m"), Duration.ofSeconds(20)));
        send(push(PushKind.CALL_CANCELLED, PROJECT, token("c"), Duration.ofSeconds(10)));
        send(push(PushKind.MISSED_CALL, PROJECT, token("x"), Duration.ofSeconds(10)));
        send(push(PushKind.REGISTRATION_REFRESH, PROJECT, token("r"), Duration.ofSeconds(60)));

        ReceivedMessage message = fcm.messagesTo(token("m")).get(0);
        assertThat(message.priority()).isEqualTo("high");
        assertThat(message.ttl()).isEqualTo("20s");
        assertThat(message.collapseKey()).isNull();
        assertThat(message.data()).containsEntry("type", "message").doesNotContainKey("video");

        ReceivedMessage cancelled = fcm.messagesTo(token("c")).get(0);
        assertThat(cancelled.priority()).as("not user-visible").isEqualTo("normal");
        assertThat(cancelled.ttl()).isEqualTo("10s");
        assertThat(cancelled.collapseKey()).as("replaces the undelivered call push").isEqualTo("a84b4c76e66710@pc33.example.com");
        assertThat(cancelled.data()).containsEntry("type", "call-cancelled");

        ReceivedMessage missed = fcm.messagesTo(token("x")).get(0);
        assertThat(missed.priority()).isEqualTo("high");
        assertThat(missed.ttl()).as("lingers after the call").isEqualTo("3600s");
        assertThat(missed.data()).containsEntry("type", "missed-call");

        ReceivedMessage refresh = fcm.messagesTo(token("r")).get(0);
        assertThat(refresh.priority()).isEqualTo("normal");
        assertThat(refresh.ttl()).isEqualTo("3600s");
        assertThat(refresh.collapseKey()).isEqualTo(FcmMessages.REFRESH_COLLAPSE_KEY);
        assertThat(refresh.data()).containsEntry("type", "registration-refresh");
    }

    @Test
    void priorityPerKindIsConfigurable() throws Exception {
        replaceSender(settings(FcmSettings.Project.of(PROJECT, account.jsonFile()))
                .withPriority(PushKind.CALL_CANCELLED, FcmSettings.Priority.HIGH)
                .withPriority(PushKind.MESSAGE, FcmSettings.Priority.NORMAL));
        send(push(PushKind.CALL_CANCELLED, PROJECT, token("c"), Duration.ofSeconds(10)));
        send(push(PushKind.MESSAGE, PROJECT, token("m"), Duration.ofSeconds(10)));

        assertThat(fcm.messagesTo(token("c")).get(0).priority()).isEqualTo("high");
        assertThat(fcm.messagesTo(token("m")).get(0).priority()).isEqualTo("normal");
    }

    // ---- OAuth2 --------------------------------------------------------------------------------------------

    @Test
    void accessTokenIsCachedAcrossPushes() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(send(call(token("d" + i)))).isInstanceOf(PushResult.Accepted.class);
        }
        assertThat(fcm.issuedTokens()).isEqualTo(1);
        assertThat(fcm.messages()).extracting(ReceivedMessage::accessToken).containsOnly(fcm.messages().get(0).accessToken());
    }

    @Test
    void accessTokenNearExpiryIsStillUsedWhileANewOneIsFetchedInTheBackground() throws Exception {
        send(call(token("1")));
        String first = fcm.messages().get(0).accessToken();

        clock.advance(Duration.ofMinutes(56)); // 4 minutes left: inside the 5-minute refresh margin
        assertThat(send(call(token("2")))).isInstanceOf(PushResult.Accepted.class);
        assertThat(fcm.messagesTo(token("2")).get(0).accessToken()).as("no wait for the refresh").isEqualTo(first);

        await().atMost(Duration.ofSeconds(10)).until(() -> fcm.issuedTokens() == 2);
        send(call(token("3")));
        assertThat(fcm.messagesTo(token("3")).get(0).accessToken()).isNotEqualTo(first);
        assertThat(fcm.issuedTokens()).isEqualTo(2);
    }

    @Test
    void expiredAccessTokenIsReplacedBeforeSending() throws Exception {
        send(call(token("1")));
        String first = fcm.messages().get(0).accessToken();

        clock.advance(Duration.ofMinutes(61));
        assertThat(send(call(token("2")))).isInstanceOf(PushResult.Accepted.class);

        assertThat(fcm.messagesTo(token("2")).get(0).accessToken()).isNotEqualTo(first);
        assertThat(fcm.issuedTokens()).isEqualTo(2);
    }

    @Test
    void sendReturnsAtOnceWhileTheAccessTokenIsBeingFetched() throws Exception {
        fcm.holdTokenRequests();
        CompletableFuture<PushResult> pending = sender.send(call(TOKEN));
        // send() came back although the token endpoint has not answered: nothing blocked the caller
        assertThat(pending).isNotDone();
        assertThat(fcm.tokenRequests()).isEmpty();

        fcm.releaseTokenRequests();
        assertThat(pending.get(30, TimeUnit.SECONDS)).isInstanceOf(PushResult.Accepted.class);
    }

    @Test
    void refusedAccessTokenIsReplacedAndThePushRetriedOnce() throws Exception {
        send(call(token("1")));
        fcm.revokeAccessTokens();

        assertThat(send(call(TOKEN))).isInstanceOf(PushResult.Accepted.class);

        assertThat(fcm.sendAttemptsTo(TOKEN)).extracting(SendAttempt::status).containsExactly(401, 200);
        assertThat(fcm.issuedTokens()).isEqualTo(2);
    }

    @Test
    void accessTokenRefusedEvenWhenFreshIsAnOperatorError() throws Exception {
        fcm.setTokenLifetime(Duration.ZERO); // every token the fake issues is already expired for FCM

        PushResult result = send(call(TOKEN));

        assertThat(result).isEqualTo(new PushResult.Rejected(401, "UNAUTHENTICATED", false, true, null));
        assertThat(fcm.sendAttemptsTo(TOKEN)).extracting(SendAttempt::status).containsExactly(401, 401);
    }

    @Test
    void badServiceAccountKeyIsAnOperatorErrorAndTheTokenEndpointIsNotAskedForEveryPush() throws Exception {
        TestServiceAccount rotated = account.withForeignKey(dir, fcm.tokenUri());
        replaceSender(settings(FcmSettings.Project.of(PROJECT, rotated.jsonFile())));

        PushResult result = send(call(TOKEN));

        assertThat(result).isEqualTo(new PushResult.Rejected(400, "oauth2:invalid_grant", false, true, null));
        assertThat(fcm.tokenRequests()).extracting(FakeFcmServer.TokenRequest::error).containsExactly("invalid_grant");
        assertThat(fcm.sendAttempts()).isEmpty();

        assertThat(send(call(token("2")))).isEqualTo(result);
        assertThat(fcm.tokenRequests()).as("the refusal is remembered for a while").hasSize(1);
    }

    @Test
    void unreachableTokenEndpointFailsThePushWithoutBlamingTheOperator() throws Exception {
        replaceSender(settings(FcmSettings.Project.of(PROJECT, account.jsonFile()))
                .withRetry(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(20))));
        fcm.failNextTokenRequests(
                FcmFault.oauth(503, "internal_failure", "Backend Error"),
                FcmFault.oauth(503, "internal_failure", "Backend Error"),
                FcmFault.oauth(503, "internal_failure", "Backend Error"));

        PushResult result = send(call(TOKEN));

        assertThat(result).isInstanceOfSatisfying(PushResult.Failed.class,
                f -> assertThat(f.reason()).contains("oauth2:internal_failure").contains("3 attempts"));
        assertThat(fcm.tokenRequests()).hasSize(3);
        assertThat(fcm.sendAttempts()).isEmpty();
    }

    @Test
    void transientTokenEndpointFailureIsRetried() throws Exception {
        fcm.failNextTokenRequests(FcmFault.oauth(503, "internal_failure", "Backend Error"));

        assertThat(send(call(TOKEN))).isInstanceOf(PushResult.Accepted.class);
        assertThat(fcm.tokenRequests()).extracting(FakeFcmServer.TokenRequest::status).containsExactly(503, 200);
    }

    @Test
    void warmUpFetchesTokensAndReportsProjectsWithBadCredentials() throws Exception {
        TestServiceAccount other = fcm.createServiceAccount(dir, "other-project");
        TestServiceAccount broken = other.withForeignKey(dir, fcm.tokenUri());
        replaceSender(settings(
                FcmSettings.Project.of(PROJECT, account.jsonFile()),
                FcmSettings.Project.of("other-project", broken.jsonFile())));

        assertThat(sender.warmUp().get(30, TimeUnit.SECONDS)).containsExactly("other-project");
        send(call(TOKEN));
        assertThat(fcm.issuedTokens()).as("the push used the warm token").isEqualTo(1);
    }

    // ---- project selection -------------------------------------------------------------------------------

    @Test
    void numericSenderIdSelectsTheConfiguredProject() throws Exception {
        TestServiceAccount other = fcm.createServiceAccount(dir, "other-project");
        replaceSender(settings(
                FcmSettings.Project.of(PROJECT, account.jsonFile(), SENDER_ID),
                FcmSettings.Project.of("other-project", other.jsonFile(), "111111111111", "222222222222")));

        assertThat(send(push(PushKind.CALL, SENDER_ID, token("1"), Duration.ofSeconds(30)))).isInstanceOf(PushResult.Accepted.class);
        assertThat(send(push(PushKind.CALL, "222222222222", token("2"), Duration.ofSeconds(30)))).isInstanceOf(PushResult.Accepted.class);
        assertThat(send(push(PushKind.CALL, "other-project", token("3"), Duration.ofSeconds(30)))).isInstanceOf(PushResult.Accepted.class);

        assertThat(fcm.messagesTo(token("1")).get(0).projectId()).isEqualTo(PROJECT);
        assertThat(fcm.messagesTo(token("1")).get(0).serviceAccount()).isEqualTo(account.clientEmail());
        assertThat(fcm.messagesTo(token("2")).get(0).projectId()).isEqualTo("other-project");
        assertThat(fcm.messagesTo(token("2")).get(0).serviceAccount()).isEqualTo(other.clientEmail());
        assertThat(fcm.messagesTo(token("3")).get(0).projectId()).isEqualTo("other-project");
    }

    @Test
    void unknownProjectOrSenderIdIsRejectedAsOperatorErrorWithoutAnyHttpRequest() throws Exception {
        PushResult byName = send(push(PushKind.CALL, "someone-elses-app", TOKEN, Duration.ofSeconds(30)));
        PushResult byNumber = send(push(PushKind.CALL, "123456789", TOKEN, Duration.ofSeconds(30)));

        PushResult expected = new PushResult.Rejected(0, "UNKNOWN_PROJECT", false, true, null);
        assertThat(byName).isEqualTo(expected);
        assertThat(byNumber).isEqualTo(expected);
        assertThat(fcm.tokenRequests()).isEmpty();
        assertThat(fcm.sendAttempts()).isEmpty();
    }

    @Test
    void missingPnParamSelectsTheOnlyProject() throws Exception {
        assertThat(send(push(PushKind.CALL, null, TOKEN, Duration.ofSeconds(30)))).isInstanceOf(PushResult.Accepted.class);
        assertThat(fcm.messages().get(0).projectId()).isEqualTo(PROJECT);
    }

    @Test
    void serviceAccountWithoutRightsOnTheProjectIsAnOperatorError() throws Exception {
        // the key of project A configured for project B, where it was never granted FCM rights
        replaceSender(settings(FcmSettings.Project.of("project-b", account.jsonFile())));

        PushResult result = send(push(PushKind.CALL, "project-b", TOKEN, Duration.ofSeconds(30)));

        assertThat(result).isEqualTo(new PushResult.Rejected(403, "PERMISSION_DENIED", false, true, null));
    }

    // ---- FCM errors ------------------------------------------------------------------------------------------

    @Test
    void unregisteredTokenIsDead() throws Exception {
        fcm.failAlways(TOKEN, FcmFault.unregistered());

        assertThat(send(call(TOKEN))).isEqualTo(new PushResult.Rejected(404, "UNREGISTERED", true, false, null));
        assertThat(fcm.sendAttemptsTo(TOKEN)).hasSize(1);
    }

    @Test
    void senderIdMismatchIsAnOperatorErrorAndTheTokenIsNotDead() throws Exception {
        fcm.failAlways(TOKEN, FcmFault.senderIdMismatch());

        assertThat(send(call(TOKEN))).isEqualTo(new PushResult.Rejected(403, "SENDER_ID_MISMATCH", false, true, null));
        assertThat(fcm.sendAttemptsTo(TOKEN)).hasSize(1);
    }

    @Test
    void thirdPartyAuthErrorIsAnOperatorError() throws Exception {
        fcm.failAlways(TOKEN, FcmFault.thirdPartyAuthError());

        assertThat(send(call(TOKEN))).isEqualTo(new PushResult.Rejected(401, "THIRD_PARTY_AUTH_ERROR", false, true, null));
        assertThat(fcm.issuedTokens()).as("not mistaken for a refused access token").isEqualTo(1);
    }

    @Test
    void invalidArgumentIsRejectedButNeverPrunesTheToken() throws Exception {
        fcm.failAlways(TOKEN, FcmFault.invalidToken());

        assertThat(send(call(TOKEN))).isEqualTo(new PushResult.Rejected(400, "INVALID_ARGUMENT", false, false, null));
    }

    @Test
    void quotaExceededWithRetryAfterIsRetriedAfterThatDelayThenAccepted() throws Exception {
        fcm.failNext(TOKEN, FcmFault.quotaExceeded(Duration.ofSeconds(1)));

        assertThat(send(call(TOKEN))).isInstanceOf(PushResult.Accepted.class);

        List<SendAttempt> attempts = fcm.sendAttemptsTo(TOKEN);
        assertThat(attempts).extracting(SendAttempt::status).containsExactly(429, 200);
        assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at()))
                .as("Retry-After honoured").isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void internalErrorAndUnavailableAreRetried() throws Exception {
        fcm.failNext(TOKEN, FcmFault.internal(), FcmFault.unavailable());

        assertThat(send(call(TOKEN))).isInstanceOf(PushResult.Accepted.class);
        assertThat(fcm.sendAttemptsTo(TOKEN)).extracting(SendAttempt::status).containsExactly(500, 503, 200);
    }

    @Test
    void persistentUnavailableFailsOnceTheDeadlineLeavesNoTimeForAnotherAttempt() throws Exception {
        clock.freeze();
        fcm.failAlways(TOKEN, FcmFault.unavailable());
        // each attempt costs one second of (test) time; backoff is at most 100 ms
        fcm.onSendAttempt(a -> clock.advance(Duration.ofSeconds(1)));
        replaceSender(settings(FcmSettings.Project.of(PROJECT, account.jsonFile()))
                .withRetry(new RetryPolicy(100, Duration.ofMillis(20), Duration.ofMillis(100))));

        PushResult result = send(push(PushKind.CALL, PROJECT, TOKEN, Duration.ofMillis(2500)));

        // attempts at t=0 (ends t=1), t=1 (ends t=2), t=2 (ends t=3): the next would start after the deadline
        assertThat(result).isInstanceOfSatisfying(PushResult.Failed.class,
                f -> assertThat(f.reason()).startsWith("UNAVAILABLE (HTTP 503)").contains("deadline"));
        assertThat(fcm.sendAttemptsTo(TOKEN)).hasSize(3);
    }

    @Test
    void persistentInternalErrorFailsAfterMaxAttempts() throws Exception {
        fcm.failAlways(TOKEN, FcmFault.internal());
        replaceSender(settings(FcmSettings.Project.of(PROJECT, account.jsonFile()))
                .withRetry(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(20))));

        PushResult result = send(push(PushKind.CALL, PROJECT, TOKEN, Duration.ofMinutes(5)));

        assertThat(result).isInstanceOfSatisfying(PushResult.Failed.class,
                f -> assertThat(f.reason()).isEqualTo("INTERNAL (HTTP 500); gave up after 3 attempts"));
        assertThat(fcm.sendAttemptsTo(TOKEN)).hasSize(3);
    }

    @Test
    void retryAfterBeyondTheDeadlineIsNotWaitedFor() throws Exception {
        fcm.failAlways(TOKEN, FcmFault.quotaExceeded(Duration.ofHours(1)));

        PushResult result = send(call(TOKEN));

        assertThat(result).isInstanceOfSatisfying(PushResult.Failed.class,
                f -> assertThat(f.reason()).startsWith("QUOTA_EXCEEDED (HTTP 429)").contains("deadline"));
        assertThat(fcm.sendAttemptsTo(TOKEN)).hasSize(1);
    }

    @Test
    void unreachableFcmIsRetriedThenFailed() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        replaceSender(settings(FcmSettings.Project.of(PROJECT, account.jsonFile()))
                .withApiBaseUrl(java.net.URI.create("http://127.0.0.1:" + closedPort))
                .withRetry(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(20))));

        PushResult result = send(call(TOKEN));

        assertThat(result).isInstanceOfSatisfying(PushResult.Failed.class, f -> {
            assertThat(f.reason()).isEqualTo("NETWORK; gave up after 3 attempts");
            assertThat(f.cause()).isInstanceOf(java.io.IOException.class);
        });
        assertThat(fcm.issuedTokens()).isEqualTo(1);
    }

    // ---- concurrency, lifecycle, logs ------------------------------------------------------------------------

    @Test
    void concurrentSendsAreAllDeliveredWithOneAccessToken() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<CompletableFuture<PushResult>>> submitted = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String prid = token("c" + i);
                submitted.add(callers.submit(() -> sender.send(call(prid))));
            }
            for (Future<CompletableFuture<PushResult>> f : submitted) {
                assertThat(f.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS)).isInstanceOf(PushResult.Accepted.class);
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(fcm.messages()).hasSize(200);
        assertThat(fcm.messages()).extracting(ReceivedMessage::token).doesNotHaveDuplicates();
        assertThat(fcm.issuedTokens()).isEqualTo(1);
    }

    @Test
    void closeCompletesPendingPushesAndLaterPushesFail() throws Exception {
        fcm.holdTokenRequests();
        CompletableFuture<PushResult> pending = sender.send(call(TOKEN));

        sender.close();

        assertThat(pending.get(10, TimeUnit.SECONDS)).isInstanceOf(PushResult.Failed.class);
        assertThat(sender.send(call(TOKEN)).get(10, TimeUnit.SECONDS)).isInstanceOf(PushResult.Failed.class);
    }

    @Test
    void otherProvidersAreRefused() throws Exception {
        PushRequest apns = new PushRequest("apns", "ABCD1234.com.example.voip", TOKEN, false, PushKind.CALL,
                clock.instant().plusSeconds(30), null, null, null, null, false, clock.instant(), null);
        assertThat(send(apns)).isEqualTo(new PushResult.Rejected(0, "UNSUPPORTED_PROVIDER", false, true, null));
        assertThat(sender.providers()).containsExactly("fcm");
    }

    @Test
    void rejectionIsLoggedAtWarnWithTheReasonAndARedactedToken() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(FcmPushSender.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            fcm.failAlways(TOKEN, FcmFault.unregistered());
            send(call(TOKEN));
        } finally {
            logger.detachAppender(appender);
        }
        List<ILoggingEvent> warnings = appender.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
        assertThat(warnings).hasSize(1);
        String line = warnings.get(0).getFormattedMessage();
        assertThat(line).contains("UNREGISTERED").contains("404").contains("token is dead")
                .contains(io.sipwake.push.Tokens.redact(TOKEN));
        assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(s -> s.contains(TOKEN));
    }

    @Test
    void providerIdsAreDistinctPerMessage() throws Exception {
        Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 5; i++) {
            ids.add(((PushResult.Accepted) send(call(token("p" + i)))).providerId());
        }
        assertThat(ids).hasSize(5);
    }
}

package io.sipwake.push.fcm;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sipwake.push.PushResult;
import io.sipwake.push.fcm.FcmResponses.Verdict;
import io.sipwake.push.fcm.testing.FcmFault;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class FcmResponsesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    static Verdict classify(FcmFault f) {
        return FcmResponses.classify(f.status(), f.body(), f.headers().get("Retry-After"), NOW, JSON);
    }

    static Verdict classify(int status, String body) {
        return FcmResponses.classify(status, body, null, NOW, JSON);
    }

    static PushResult result(Verdict v) {
        assertThat(v).isInstanceOf(Verdict.Done.class);
        return ((Verdict.Done) v).result();
    }

    @Test
    void successCarriesTheMessageName() {
        assertThat(result(classify(200, "{\"name\":\"projects/p/messages/0:1500415314455276%31bd1c9631bd1c96\"}")))
                .isEqualTo(new PushResult.Accepted("projects/p/messages/0:1500415314455276%31bd1c9631bd1c96", 200));
        assertThat(result(classify(200, "not json"))).isEqualTo(new PushResult.Accepted(null, 200));
    }

    @Test
    void onlyUnregisteredKillsTheToken() {
        assertThat(result(classify(FcmFault.unregistered()))).isEqualTo(new PushResult.Rejected(404, "UNREGISTERED", true, false, null));
        assertThat(result(classify(FcmFault.invalidToken()))).isEqualTo(new PushResult.Rejected(400, "INVALID_ARGUMENT", false, false, null));
    }

    @Test
    void notFoundWithoutUnregisteredIsAConfigurationProblemNotADeadToken() {
        assertThat(result(classify(404, "{\"error\":{\"code\":404,\"message\":\"Requested entity was not found.\",\"status\":\"NOT_FOUND\"}}")))
                .isEqualTo(new PushResult.Rejected(404, "NOT_FOUND", false, true, null));
        assertThat(result(classify(404, "<html>Not Found</html>"))).isEqualTo(new PushResult.Rejected(404, "HTTP_404", false, true, null));
    }

    @Test
    void configurationErrorsAreOperatorErrors() {
        assertThat(result(classify(FcmFault.senderIdMismatch()))).isEqualTo(new PushResult.Rejected(403, "SENDER_ID_MISMATCH", false, true, null));
        assertThat(result(classify(FcmFault.thirdPartyAuthError()))).isEqualTo(new PushResult.Rejected(401, "THIRD_PARTY_AUTH_ERROR", false, true, null));
        assertThat(result(classify(403, "{\"error\":{\"code\":403,\"message\":\"Permission denied\",\"status\":\"PERMISSION_DENIED\"}}")))
                .isEqualTo(new PushResult.Rejected(403, "PERMISSION_DENIED", false, true, null));
    }

    @Test
    void plainUnauthenticatedAsksForAFreshAccessToken() {
        assertThat(classify(401, "{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication credentials.\",\"status\":\"UNAUTHENTICATED\"}}"))
                .isEqualTo(new Verdict.Reauthenticate("UNAUTHENTICATED", "Request had invalid authentication credentials."));
    }

    @Test
    void quotaAndServerErrorsAreRetriedHonouringRetryAfter() {
        assertThat(classify(FcmFault.quotaExceeded(Duration.ofSeconds(7))))
                .isInstanceOfSatisfying(Verdict.Retry.class, r -> {
                    assertThat(r.reason()).isEqualTo("QUOTA_EXCEEDED");
                    assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(7));
                });
        assertThat(classify(FcmFault.unavailable())).isInstanceOfSatisfying(Verdict.Retry.class,
                r -> assertThat(r.retryAfter()).isNull());
        assertThat(classify(FcmFault.internal())).isInstanceOf(Verdict.Retry.class);
        assertThat(classify(502, "<html>Bad Gateway</html>")).isInstanceOf(Verdict.Retry.class);
        assertThat(classify(429, "")).isInstanceOf(Verdict.Retry.class);
    }

    @Test
    void unspecifiedErrorFallsBackToTheHttpStatus() {
        String body = "{\"error\":{\"code\":503,\"message\":\"x\",\"status\":\"UNAVAILABLE\",\"details\":[{\"@type\":\""
                + FcmResponses.FCM_ERROR_TYPE + "\",\"errorCode\":\"UNSPECIFIED_ERROR\"}]}}";
        assertThat(classify(503, body)).isInstanceOfSatisfying(Verdict.Retry.class,
                r -> assertThat(r.reason()).isEqualTo("UNAVAILABLE"));
    }

    @Test
    void theFcmErrorDetailWinsOverOtherDetails() {
        String body = "{\"error\":{\"code\":404,\"status\":\"NOT_FOUND\",\"details\":["
                + "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"errorCode\":\"SOMETHING\"},"
                + "{\"@type\":\"" + FcmResponses.FCM_ERROR_TYPE + "\",\"errorCode\":\"UNREGISTERED\"}]}}";
        assertThat(FcmResponses.parseError(body, JSON).errorCode()).isEqualTo("UNREGISTERED");
    }

    @Test
    void retryAfterIsReadAsSecondsOrHttpDate() {
        assertThat(FcmResponses.parseRetryAfter("120", NOW)).isEqualTo(Duration.ofSeconds(120));
        assertThat(FcmResponses.parseRetryAfter("Thu, 26 Nov 2026 12:00:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(30));
        assertThat(FcmResponses.parseRetryAfter("Thu, 26 Nov 2026 11:00:00 GMT", NOW)).isZero();
        assertThat(FcmResponses.parseRetryAfter("-5", NOW)).isZero();
        assertThat(FcmResponses.parseRetryAfter("soon", NOW)).isNull();
        assertThat(FcmResponses.parseRetryAfter(null, NOW)).isNull();
    }
}

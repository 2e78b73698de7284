package io.sipwake.push.apns;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ApnsVerdictTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "410, Unregistered,                DEAD_TOKEN",
            "400, BadDeviceToken,              BAD_DEVICE_TOKEN",
            "400, DeviceTokenNotForTopic,      OPERATOR_ERROR",
            "400, TopicDisallowed,             OPERATOR_ERROR",
            "400, BadTopic,                    OPERATOR_ERROR",
            "403, InvalidProviderToken,        OPERATOR_ERROR",
            "403, MissingProviderToken,        OPERATOR_ERROR",
            "403, BadCertificate,              OPERATOR_ERROR",
            "403, BadCertificateEnvironment,   OPERATOR_ERROR",
            "403, Forbidden,                   OPERATOR_ERROR",
            "403, SomethingNew,                OPERATOR_ERROR",
            "403, ExpiredProviderToken,        EXPIRED_PROVIDER_TOKEN",
            "429, TooManyRequests,             TRANSIENT",
            "429, TooManyProviderTokenUpdates, TRANSIENT",
            "500, InternalServerError,         TRANSIENT",
            "503, ServiceUnavailable,          TRANSIENT",
            "503, Shutdown,                    TRANSIENT",
            "502, ,                            TRANSIENT",
            "400, IdleTimeout,                 TRANSIENT",
            "400, BadCollapseId,               REJECTED",
            "400, BadExpirationDate,           REJECTED",
            "400, BadPriority,                 REJECTED",
            "400, InvalidPushType,             REJECTED",
            "400, PayloadEmpty,                REJECTED",
            "400, MissingTopic,                REJECTED",
            "404, BadPath,                     REJECTED",
            "405, MethodNotAllowed,            REJECTED",
            "413, PayloadTooLarge,             REJECTED",
    })
    void apnsAnswerMeans(int status, String reason, ApnsVerdict expected) {
        assertThat(ApnsVerdict.of(false, status, reason)).isEqualTo(expected);
    }

    @Test
    void acceptedIsAccepted() {
        assertThat(ApnsVerdict.of(true, 200, null)).isEqualTo(ApnsVerdict.ACCEPTED);
    }

    @Test
    void onlyUnregisteredAndBadDeviceTokenCanMeanADeadToken() {
        for (String reason : new String[] {"DeviceTokenNotForTopic", "TopicDisallowed", "InvalidProviderToken",
                "TooManyRequests", "PayloadTooLarge"}) {
            assertThat(ApnsVerdict.of(false, 400, reason)).isNotIn(ApnsVerdict.DEAD_TOKEN, ApnsVerdict.BAD_DEVICE_TOKEN);
        }
    }

    @Test
    void operatorHintsNameWhatToCheck() {
        assertThat(ApnsVerdict.hint("DeviceTokenNotForTopic", "T1", "app.voip", false)).contains("app.voip");
        assertThat(ApnsVerdict.hint("InvalidProviderToken", "T1", "app", false)).contains("T1").contains(".p8");
        assertThat(ApnsVerdict.hint("BadDeviceToken", "T1", "app", true)).contains("sandbox");
        assertThat(ApnsVerdict.hint(null, "T1", "app", true)).isEmpty();
    }
}

package io.sipwake.push.fcm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sipwake.push.PushKind;
import io.sipwake.push.PushRequest;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class FcmMessagesTest {

    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    static final Duration LINGER = Duration.ofHours(1);

    static PushRequest request(PushKind kind, Instant deadline, String callId, String collapseKey) {
        return new PushRequest("fcm", "p", "tok", false, kind, deadline, callId, null, null, null, false, NOW, collapseKey);
    }

    @Test
    void ttlIsTheWholeSecondsLeftUntilTheDeadlineRoundedDown() {
        assertThat(FcmMessages.ttl(request(PushKind.CALL, NOW.plusMillis(29_999), "c", null), NOW, LINGER))
                .isEqualTo(Duration.ofSeconds(29));
        assertThat(FcmMessages.ttlJson(Duration.ofSeconds(29))).isEqualTo("29s");
    }

    @Test
    void ttlOfAPassedDeadlineIsZero() {
        assertThat(FcmMessages.ttl(request(PushKind.CALL, NOW.minusSeconds(5), "c", null), NOW, LINGER)).isZero();
    }

    @Test
    void ttlNeverExceedsFourWeeks() {
        assertThat(FcmMessages.ttl(request(PushKind.REGISTRATION_REFRESH, NOW.plus(Duration.ofDays(60)), null, null), NOW, LINGER))
                .isEqualTo(Duration.ofDays(28));
    }

    @Test
    void missedCallAndRefreshPushesLingerButKeepALaterDeadline() {
        assertThat(FcmMessages.ttl(request(PushKind.MISSED_CALL, NOW.minusSeconds(1), "c", null), NOW, LINGER)).isEqualTo(LINGER);
        assertThat(FcmMessages.ttl(request(PushKind.REGISTRATION_REFRESH, NOW.plusSeconds(10), null, null), NOW, LINGER)).isEqualTo(LINGER);
        assertThat(FcmMessages.ttl(request(PushKind.REGISTRATION_REFRESH, NOW.plus(Duration.ofHours(3)), null, null), NOW, LINGER))
                .isEqualTo(Duration.ofHours(3));
        assertThat(FcmMessages.ttl(request(PushKind.MESSAGE, NOW.plusSeconds(10), null, null), NOW, LINGER)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void collapseKeyIsTheRequestsOwnElseTheCallIdForCallKinds() {
        assertThat(FcmMessages.collapseKey(request(PushKind.CALL, NOW, "call-1", "own"))).isEqualTo("own");
        assertThat(FcmMessages.collapseKey(request(PushKind.CALL, NOW, "call-1", null))).isEqualTo("call-1");
        assertThat(FcmMessages.collapseKey(request(PushKind.CALL_CANCELLED, NOW, "call-1", null))).isEqualTo("call-1");
        assertThat(FcmMessages.collapseKey(request(PushKind.MISSED_CALL, NOW, "call-1", null))).isEqualTo("call-1");
        assertThat(FcmMessages.collapseKey(request(PushKind.MESSAGE, NOW, "msg-1", null))).isNull();
        assertThat(FcmMessages.collapseKey(request(PushKind.REGISTRATION_REFRESH, NOW, null, null)))
                .isEqualTo(FcmMessages.REFRESH_COLLAPSE_KEY);
    }

    @Test
    void dataLeavesOutWhatIsUnknownAndHasOnlyStrings() {
        PushRequest r = new PushRequest("fcm", "p", "tok", false, PushKind.CALL, NOW.plusSeconds(30), null, null, null,
                null, false, NOW, null);
        assertThat(FcmMessages.data(r)).containsExactly(
                java.util.Map.entry("type", "call"),
                java.util.Map.entry("video", "false"),
                java.util.Map.entry("sent-at", Long.toString(NOW.toEpochMilli())),
                java.util.Map.entry("deadline", Long.toString(NOW.plusSeconds(30).toEpochMilli())));
    }

    @Test
    void bodyIsAV1MessageWithAndroidConfig() throws Exception {
        ObjectMapper json = new ObjectMapper();
        FcmSettings settings = FcmSettings.of(FcmSettings.Project.of("p", Path.of("/nonexistent.json")));
        byte[] body = new FcmMessages(json, settings).body(request(PushKind.CALL, NOW.plusSeconds(30), "call-1", null), NOW);

        JsonNode root = json.readTree(body);
        assertThat(root.fieldNames()).toIterable().containsExactly("message");
        JsonNode message = root.get("message");
        assertThat(message.fieldNames()).toIterable().containsExactly("token", "data", "android");
        assertThat(message.get("token").asText()).isEqualTo("tok");
        assertThat(message.get("data").get("type").asText()).isEqualTo("call");
        message.get("data").forEach(v -> assertThat(v.isTextual()).isTrue());
        JsonNode android = message.get("android");
        assertThat(android.get("priority").asText()).isEqualTo("high");
        assertThat(android.get("ttl").asText()).isEqualTo("30s");
        assertThat(android.get("collapse_key").asText()).isEqualTo("call-1");
        assertThat(android.get("direct_boot_ok").asBoolean()).isTrue();
    }

    @Test
    void typeNamesTheKindInLowerCaseWithDashes() {
        assertThat(FcmMessages.type(PushKind.REGISTRATION_REFRESH)).isEqualTo("registration-refresh");
        assertThat(FcmMessages.type(PushKind.CALL_CANCELLED)).isEqualTo("call-cancelled");
    }
}

package io.sipwake.push.apns;

import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sipwake.push.PushKind;
import io.sipwake.push.PushRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApnsContentTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static PushRequest request(PushKind kind, String callId, String callUuid, String caller, String name) {
        return new PushRequest("apns", "T.b", "tok", false, kind, Instant.parse("2026-01-01T00:00:30Z"), callId, callUuid,
                caller, name, false, Instant.parse("2026-01-01T00:00:00Z"), null);
    }

    static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void voipPayloadIsCutToApples5120ByteLimitByShorteningTheDisplayName() throws Exception {
        ApnsContent c = ApnsContent.of(request(PushKind.CALL, "c1", null, "sip:a@b", "x".repeat(20_000)), "app", true);

        assertThat(bytes(c.payload())).isLessThanOrEqualTo(5120).isGreaterThan(4096);
        JsonNode json = JSON.readTree(c.payload());
        assertThat(json.get("caller-name").asText()).endsWith("…");
        assertThat(json.get("caller").asText()).isEqualTo("sip:a@b");
        assertThat(json.get("call-id").asText()).isEqualTo("c1");
    }

    @Test
    void alertPayloadIsCutTo4096BytesAndTheCallerUriGoesWhenTheNameIsNotEnough() throws Exception {
        ApnsContent c = ApnsContent.of(request(PushKind.MISSED_CALL, "c1", null, "sip:" + "u".repeat(9000) + "@b", "Bob"),
                "app", false);

        assertThat(bytes(c.payload())).isLessThanOrEqualTo(4096);
        assertThat(JSON.readTree(c.payload()).get("caller").asText()).startsWith("sip:uuu").endsWith("…");
    }

    @Test
    void absurdCallIdThatCannotFitIsRefused() {
        assertThatThrownBy(() -> ApnsContent.of(request(PushKind.CALL, "c".repeat(6000), null, null, null), "app", true))
                .isInstanceOf(ApnsContent.TooLargeException.class);
    }

    @Test
    void collapseIdLongerThan64BytesBecomesItsSha256() {
        String longCallId = "x".repeat(100) + "@host";

        assertThat(ApnsContent.collapseId("short@host")).isEqualTo("short@host");
        assertThat(ApnsContent.collapseId(longCallId)).hasSize(64).matches("[0-9a-f]{64}")
                .isEqualTo(ApnsContent.collapseId(longCallId));
        assertThat(ApnsContent.collapseId("é".repeat(33))).hasSize(64).matches("[0-9a-f]{64}"); // 66 bytes
        assertThat(ApnsContent.collapseId(null)).isNull();
    }

    @Test
    void callUuidIsDerivedFromTheCallIdWhenMissingSoAllDevicesAgree() {
        String a = ApnsContent.callUuid(request(PushKind.CALL, "abc@h", null, null, null));
        String b = ApnsContent.callUuid(request(PushKind.CALL, "abc@h", null, null, null));

        assertThat(a).isEqualTo(b).matches("[0-9a-f-]{36}");
        assertThat(ApnsContent.callUuid(request(PushKind.CALL, "abc@h", "given", null, null))).isEqualTo("given");
        assertThat(ApnsContent.callUuid(request(PushKind.REGISTRATION_REFRESH, null, null, null, null))).isNull();
    }

    @ParameterizedTest
    @EnumSource(value = PushKind.class, names = "CALL", mode = EnumSource.Mode.EXCLUDE)
    void onlyACallMayBeAVoipPush(PushKind kind) {
        assertThatThrownBy(() -> ApnsContent.of(request(kind, "c", null, null, null), "app", true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void registrationRefreshCarriesNoCallFields() throws Exception {
        ApnsContent c = ApnsContent.of(request(PushKind.REGISTRATION_REFRESH, null, null, null, null), "app", false);

        assertThat(c.pushType()).isEqualTo(PushType.BACKGROUND);
        assertThat(c.priority()).isEqualTo(DeliveryPriority.CONSERVE_POWER);
        assertThat(c.collapseId()).isNull();
        JsonNode json = JSON.readTree(c.payload());
        assertThat(json.get("aps").toString()).isEqualTo("{\"content-available\":1}");
        assertThat(json.has("call-id")).isFalse();
        assertThat(json.has("video")).isFalse();
        assertThat(json.get("deadline").asLong()).isEqualTo(Instant.parse("2026-01-01T00:00:30Z").toEpochMilli());
    }

    @Test
    void alertNamesTheCallerByDisplayNameElseByUriWithoutSchemeOrParameters() {
        assertThat(ApnsContent.who(" Alice ", "sip:alice@example.com")).isEqualTo("Alice");
        assertThat(ApnsContent.who(null, "<sip:alice@example.com;transport=tcp>")).isEqualTo("alice@example.com");
        assertThat(ApnsContent.who("", "sips:bob@example.com")).isEqualTo("bob@example.com");
        assertThat(ApnsContent.who(null, null)).isEqualTo("unknown caller");
    }

    @Test
    void cancelledCallIsAnAlertWithoutSoundCarryingTheCallUuid() throws Exception {
        ApnsContent c = ApnsContent.of(request(PushKind.CALL_CANCELLED, "c9", "u9", "sip:a@b", "Ann"), "app", false);

        assertThat(c.pushType()).isEqualTo(PushType.ALERT);
        assertThat(c.topic()).isEqualTo("app");
        assertThat(c.collapseId()).isEqualTo("c9");
        JsonNode json = JSON.readTree(c.payload());
        assertThat(json.get("kind").asText()).isEqualTo("call-cancelled");
        assertThat(json.get("uuid").asText()).isEqualTo("u9");
        assertThat(json.get("aps").has("sound")).isFalse();
        assertThat(json.get("aps").get("alert").get("body").asText()).isEqualTo("Call from Ann ended");
    }
}

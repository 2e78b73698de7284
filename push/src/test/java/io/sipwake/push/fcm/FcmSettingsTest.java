package io.sipwake.push.fcm;

import io.sipwake.push.PushKind;
import io.sipwake.push.fcm.testing.TestServiceAccount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FcmSettingsTest {

    @TempDir
    Path dir;

    static final Path KEY = Path.of("/etc/sipwake/key.json");

    @Test
    void defaultsPointAtProductionFcm() {
        FcmSettings s = FcmSettings.of(FcmSettings.Project.of("my-app-1a2b3", KEY, "929724111839"));
        assertThat(s.apiBaseUrl()).isEqualTo(URI.create("https://fcm.googleapis.com"));
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.tokenRefreshMargin()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.priorities()).containsEntry(PushKind.CALL, FcmSettings.Priority.HIGH)
                .containsEntry(PushKind.REGISTRATION_REFRESH, FcmSettings.Priority.NORMAL)
                .containsEntry(PushKind.CALL_CANCELLED, FcmSettings.Priority.NORMAL);
        assertThat(s.projects().get(0).senderIds()).containsExactly("929724111839");
    }

    @Test
    void trailingSlashOfTheBaseUrlIsDropped() {
        FcmSettings s = FcmSettings.of(FcmSettings.Project.of("p1", KEY)).withApiBaseUrl(URI.create("http://127.0.0.1:8080/"));
        assertThat(s.apiBaseUrl()).isEqualTo(URI.create("http://127.0.0.1:8080"));
    }

    @Test
    void aSenderIdMayServeOnlyOneProject() {
        assertThatThrownBy(() -> FcmSettings.of(
                FcmSettings.Project.of("p1", KEY, "111"),
                FcmSettings.Project.of("p2", KEY, "111")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'111' is configured twice");
    }

    @Test
    void senderIdsAreNumeric() {
        assertThatThrownBy(() -> FcmSettings.Project.of("p1", KEY, "my-app"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not numeric");
    }

    @Test
    void projectIdsCannotBreakTheUrl() {
        assertThatThrownBy(() -> FcmSettings.Project.of("p1/../x", KEY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid project id");
    }

    @Test
    void atLeastOneProject() {
        assertThatThrownBy(() -> FcmSettings.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void baseUrlMustBeHttp() {
        FcmSettings s = FcmSettings.of(FcmSettings.Project.of("p1", KEY));
        assertThatThrownBy(() -> s.withApiBaseUrl(URI.create("ftp://example.com"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void missingServiceAccountFileFailsAtStartup() {
        FcmSettings s = FcmSettings.of(FcmSettings.Project.of("p1", dir.resolve("missing.json")));
        assertThatThrownBy(() -> new FcmPushSender(s))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be read");
    }

    @Test
    void legacyServerKeyIsRefusedWithAClearMessage() throws Exception {
        Path legacy = Files.writeString(dir.resolve("server-key.txt"), "AAAAq1b2c3d4:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx");
        assertThatThrownBy(() -> new FcmPushSender(FcmSettings.of(FcmSettings.Project.of("p1", legacy))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not JSON").hasMessageContaining("service-account key").hasMessageContaining("legacy");
    }

    @Test
    void otherCredentialTypesAreRefused() throws Exception {
        Path user = Files.writeString(dir.resolve("user.json"),
                "{\"type\":\"authorized_user\",\"client_id\":\"x\",\"client_secret\":\"y\",\"refresh_token\":\"z\"}");
        assertThatThrownBy(() -> new FcmPushSender(FcmSettings.of(FcmSettings.Project.of("p1", user))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("type=authorized_user");
    }

    @Test
    void corruptPrivateKeyFailsAtStartup() throws Exception {
        TestServiceAccount account = TestServiceAccount.create(dir, "p1", URI.create("http://127.0.0.1:9/token"));
        String json = Files.readString(account.jsonFile()).replaceAll("\"private_key\" : \"[^\"]*\"",
                "\"private_key\" : \"-----BEGIN PRIVATE KEY-----\\\\nbm90IGEga2V5\\\\n-----END PRIVATE KEY-----\\\\n\"");
        Files.writeString(account.jsonFile(), json);
        assertThatThrownBy(() -> new FcmPushSender(FcmSettings.of(FcmSettings.Project.of("p1", account.jsonFile()))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unusable");
    }

    @Test
    void aValidServiceAccountStartsASenderWithoutAnyRequest() {
        TestServiceAccount account = TestServiceAccount.create(dir, "p1", URI.create("http://127.0.0.1:9/token"));
        try (FcmPushSender sender = new FcmPushSender(FcmSettings.of(FcmSettings.Project.of("p1", account.jsonFile())))) {
            assertThat(sender.providers()).containsExactly("fcm");
            assertThat(sender.tokenFetches("p1")).isZero();
        }
    }
}

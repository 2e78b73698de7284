package io.sipwake.push.apns;

import io.sipwake.push.RetryPolicy;
import io.sipwake.push.apns.testing.ApnsTestCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApnsSettingsTest {

    @TempDir
    Path dir;

    ApnsSettings.Team team(String id, String... bundles) {
        return new ApnsSettings.Team(id, "KEY", dir.resolve("k.p8"), Set.of(bundles));
    }

    @Test
    void defaultsPointAtApplesHostsOnPort443() {
        ApnsSettings s = ApnsSettings.of(team("T1", "app"));

        assertThat(s.production()).hasToString("api.push.apple.com:443");
        assertThat(s.sandbox()).hasToString("api.sandbox.push.apple.com:443");
        assertThat(s.endpoint(true)).isSameAs(s.sandbox());
        assertThat(s.probeOtherEnvironment()).isTrue();
    }

    @Test
    void aBundleBelongsToOneTeamOnly() {
        assertThatThrownBy(() -> ApnsSettings.of(team("T1", "app"), team("T2", "app")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("app");
    }

    @Test
    void teamsAreUnique() {
        assertThatThrownBy(() -> ApnsSettings.of(team("T1", "a"), team("T1", "b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("T1");
    }

    @Test
    void bundleIdsAreBareBecauseTheVoipTopicIsDerived() {
        assertThatThrownBy(() -> team("T1", "org.example.app.voip"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bare bundle id");
    }

    @Test
    void teamIdsHaveNoDotAndTeamsListApps() {
        assertThatThrownBy(() -> team("T.1", "app")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> team("T1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ApnsSettings.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retryAndConnectionSettingsAreChecked() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ApnsSettings.Connection(0, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ApnsSettings.Endpoint("h", 0, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void senderRefusesToStartWithAnUnreadableSigningKeyAndSaysWhich() throws Exception {
        Files.writeString(dir.resolve("k.p8"), "not a key");

        assertThatThrownBy(() -> new ApnsPushSender(ApnsSettings.of(team("T1", "app"))).close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("T1").hasMessageContaining("k.p8");
    }

    @Test
    void senderRefusesToStartWhenTheTrustedCertificateFileIsMissing() throws Exception {
        ApnsTestCredentials.SigningKey key = ApnsTestCredentials.signingKey(dir, "T1", "KEY");
        ApnsSettings settings = ApnsSettings.of(new ApnsSettings.Team("T1", "KEY", key.p8File(), Set.of("app")))
                .withSandbox(new ApnsSettings.Endpoint("localhost", 2197, dir.resolve("missing.pem")));

        assertThatThrownBy(() -> new ApnsPushSender(settings).close())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.pem");
    }

    @Test
    void backoffGrowsExponentiallyWithJitterAndIsCapped() {
        RetryPolicy retry = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000));

        for (int i = 0; i < 200; i++) {
            assertThat(ApnsPushSender.backoffMillis(retry, 1)).isBetween(50L, 100L);
            assertThat(ApnsPushSender.backoffMillis(retry, 3)).isBetween(200L, 400L);
            assertThat(ApnsPushSender.backoffMillis(retry, 9)).isBetween(500L, 1000L);
            assertThat(ApnsPushSender.backoffMillis(retry, 64)).isBetween(500L, 1000L);
        }
    }

    @Test
    void pridInLogsKeepsLabelsButHidesEveryToken() {
        String voip = "a".repeat(64);
        String remote = "b".repeat(60) + "cdef";

        String shown = ApnsPushSender.redactPrid(voip + ":voip&" + remote + ":remote");

        assertThat(shown).isEqualTo("aaaa…aaaa:voip&bbbb…cdef:remote").doesNotContain(voip).doesNotContain(remote);
    }
}

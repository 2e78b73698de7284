package io.sipwake.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SIPWAKE_*} environment variables override any key of the file (or of the defaults), before validation; a
 * variable that names no key, or a value the key cannot take, is refused with the variable's name and the key path.
 */
class EnvironmentOverridesTest {
    @TempDir
    Path dir;

    private Path file(String yaml) throws IOException {
        return Files.writeString(dir.resolve("sipwake.yaml"), yaml);
    }

    private static String refused(Path file, Map<String, String> env) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, env));
        assertThat(e).as("loading should fail with %s", env).isNotNull();
        return e.getMessage();
    }

    @Test
    void eachKindOfKeyIsSetByItsVariable() {
        SipwakeConfig c = ConfigLoader.load(null, Map.of(
                "SIPWAKE_PUSH_CALL_TIMEOUT", "45s",
                "SIPWAKE_ADMIN_ENABLED", "true",
                "SIPWAKE_ADMIN_PORT", "9090",
                "SIPWAKE_SIP_LISTEN_0_PORT", "5070",
                "SIPWAKE_REGISTRAR_DOMAINS", "[a.example, b.example]",
                "SIPWAKE_STORE_DATA_DIR", "/var/lib/sipwake",
                "SIPWAKE_SIP_ADVERTISED_HOST", "sip.example.com"));
        assertThat(c.push().callTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.admin().enabled()).isTrue();
        assertThat(c.admin().port()).isEqualTo(9090);
        assertThat(c.sip().listen()).as("the default list, its first item changed")
                .containsExactly(new SipwakeConfig.Listener("udp", 5070), new SipwakeConfig.Listener("tcp", 5060));
        assertThat(c.registrar().domains()).containsExactly("a.example", "b.example");
        assertThat(c.store().dataDir()).isEqualTo(Path.of("/var/lib/sipwake"));
        assertThat(c.sip().advertisedHost()).isEqualTo("sip.example.com");
    }

    @Test
    void aVariableWinsOverTheFileAndTheFileKeepsTheRest() throws IOException {
        Path file = file("""
                push:
                  call-timeout: 20s
                  message-timeout: 15s
                registrar:
                  users:
                    - {username: alice, password: 0123}
                """);
        SipwakeConfig c = ConfigLoader.load(file, Map.of("SIPWAKE_PUSH_CALL_TIMEOUT", "45s", "SIPWAKE_REGISTRAR_USERS_0_USERNAME", "alicia"));
        assertThat(c.push().callTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.push().messageTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.registrar().users().get(0).username()).isEqualTo("alicia");
        assertThat(c.registrar().users().get(0).password()).as("kept as written").isEqualTo("0123");
    }

    @Test
    void theIndexAfterTheLastItemAddsOneAndAWholeSectionIsWrittenAsYaml() {
        SipwakeConfig added = ConfigLoader.load(null, Map.of("SIPWAKE_SIP_LISTEN_2_TRANSPORT", "ws", "SIPWAKE_SIP_LISTEN_2_PORT", "8080"));
        assertThat(added.sip().listen()).hasSize(3).last().isEqualTo(new SipwakeConfig.Listener("ws", 8080));

        SipwakeConfig replaced = ConfigLoader.load(null, Map.of("SIPWAKE_SIP_LISTEN", "[{transport: tcp, port: 5080}]"));
        assertThat(replaced.sip().listen()).containsExactly(new SipwakeConfig.Listener("tcp", 5080));
    }

    @Test
    void variablesOfTheCommandLineAndTheLoggingSetupAreNotConfigKeys() {
        assertThat(ConfigLoader.load(null, Map.of("SIPWAKE_ADMIN_TOKEN", "s3cret", "SIPWAKE_LOG_LEVEL", "DEBUG", "PATH", "/usr/bin")))
                .isEqualTo(SipwakeConfig.defaults());
    }

    @Test
    void aMisspeltVariableIsRefusedWithTheKeysThatExistThere() {
        assertThat(refused(null, Map.of("SIPWAKE_PUSH_CALL_TIMOUT", "45s")))
                .startsWith("environment variable SIPWAKE_PUSH_CALL_TIMOUT: no config key by that name under push (at 'CALL'")
                .contains("SIPWAKE_PUSH_CALL_TIMEOUT");
        assertThat(refused(null, Map.of("SIPWAKE_SIPP_ADDRESS", "::1"))).startsWith("environment variable SIPWAKE_SIPP_ADDRESS: no config key by that name (at 'SIPP'");
        assertThat(refused(null, Map.of("SIPWAKE_SIP_LISTEN_PORT", "5070")))
                .isEqualTo("environment variable SIPWAKE_SIP_LISTEN_PORT: sip.listen is a list: the next part of the name must be an item's "
                        + "index, such as SIPWAKE_SIP_LISTEN_0, not 'PORT'");
        assertThat(refused(null, Map.of("SIPWAKE_SIP_LISTEN_5_PORT", "5070")))
                .isEqualTo("environment variable SIPWAKE_SIP_LISTEN_5_PORT: sip.listen has 2 item(s), so the next one is index 2, not 5");
    }

    @Test
    void aValueTheKeyCannotTakeNamesTheVariableAndTheKey() throws IOException {
        assertThat(refused(null, Map.of("SIPWAKE_PUSH_CALL_TIMEOUT", "45")))
                .isEqualTo("environment variable SIPWAKE_PUSH_CALL_TIMEOUT (push.call-timeout): expected a duration such as 500ms, 30s or 10m, "
                        + "got '45' (a number needs a unit: ms, s, m, h or d)");
        assertThat(refused(null, Map.of("SIPWAKE_ADMIN_ENABLED", "yes")))
                .isEqualTo("environment variable SIPWAKE_ADMIN_ENABLED (admin.enabled): expected true or false, got 'yes'");
        // validation, after the overrides: the same checks as for the file
        assertThat(refused(file("admin: {port: 8089}\n"), Map.of("SIPWAKE_ADMIN_PORT", "70000")))
                .isEqualTo("environment variable SIPWAKE_ADMIN_PORT (admin.port): must be 0..65535 (got 70000; 0 picks a free port)");
        assertThat(refused(null, Map.of("SIPWAKE_PUSH_MESSAGE_TIMEOUT", "40s")))
                .startsWith("environment variable SIPWAKE_PUSH_MESSAGE_TIMEOUT (push.message-timeout): must be at most 30s");
    }

    @Test
    void theFilesOwnMistakesAreStillTheFiles() throws IOException {
        Path file = file("push:\n  call-timeout: 0s\n");
        assertThat(refused(file, Map.of("SIPWAKE_ADMIN_PORT", "9000"))).isEqualTo(file + ": push.call-timeout: must be positive");
    }

    @Test
    void everyKeyOfTheConfigurationHasAVariable() {
        // the names are derived from the records, so this holds for keys added later too; spot-check the deepest ones
        for (String name : List.of("SIPWAKE_SIP_TIMERS_T1", "SIPWAKE_SIP_LIMITS_MAX_HEADER_BYTES", "SIPWAKE_SIP_TLS_PRIVATE_KEY",
                "SIPWAKE_PUSH_HTTP_ALLOW_HOSTS_0", "SIPWAKE_PUSH_APNS_SANDBOX_ENDPOINT_PORT", "SIPWAKE_PUSH_FCM_PROJECTS_0_SENDER_IDS_0",
                "SIPWAKE_REGISTRAR_USERS_0_PASSWORD_FILE", "SIPWAKE_ADMIN_TOKEN_FILE")) {
            assertThat(EnvironmentOverrides.from(Map.of(name, "x")).overrides()).as(name).hasSize(1);
        }
    }
}

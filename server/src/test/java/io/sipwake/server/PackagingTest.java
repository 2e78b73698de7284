package io.sipwake.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipwake.server.cli.SipwakeCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The examples in {@code packaging/} agree with the program: the systemd unit starts the jar the build makes, does
 * not restart on an invalid configuration (exit 3), reloads with SIGHUP and keeps the store in its state directory;
 * and, where systemd is installed, {@code systemd-analyze verify} accepts it. (The Containerfile cannot be built
 * here: there is no container engine.)
 */
class PackagingTest {
    private static final Path UNIT = Path.of("..", "packaging", "sipwake.service");
    private static final Path CONTAINERFILE = Path.of("..", "packaging", "Containerfile");

    @Test
    void theSystemdUnitMatchesTheProgram() throws IOException {
        String unit = Files.readString(UNIT);
        assertThat(unit).contains("RestartPreventExitStatus=" + SipwakeCommand.EXIT_BAD_CONFIG)
                .contains("ExecReload=/bin/kill -HUP $MAINPID")
                .containsPattern("ExecStart=/usr/bin/java .*-jar /opt/sipwake/sipwake.jar run -c /etc/sipwake/sipwake.yaml")
                .contains("StateDirectory=sipwake", "Environment=SIPWAKE_STORE_DATA_DIR=/var/lib/sipwake")
                .contains("DynamicUser=yes", "NoNewPrivileges=yes", "ProtectSystem=strict", "CapabilityBoundingSet=\n");
        assertThat(unit).as("no capability unless a port below 1024 needs it").doesNotContainPattern("(?m)^AmbientCapabilities=");
        String pom = Files.readString(Path.of("pom.xml"));
        assertThat(pom).as("the jar the unit and the Containerfile start").contains("<finalName>sipwake</finalName>");
        assertThat(Files.readString(CONTAINERFILE)).contains("/src/server/target/sipwake.jar /opt/sipwake/sipwake.jar")
                .contains("ENV SIPWAKE_STORE_DATA_DIR=/var/lib/sipwake").contains("USER sipwake");
    }

    @Test
    void systemdAcceptsTheUnit() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze) && Files.isExecutable(Path.of("/usr/bin/java")), "systemd-analyze and /usr/bin/java");
        Process p = new ProcessBuilder(analyze.toString(), "verify", UNIT.toAbsolutePath().normalize().toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output).as("systemd-analyze verify").isBlank();
        assertThat(p.exitValue()).isZero();
    }
}

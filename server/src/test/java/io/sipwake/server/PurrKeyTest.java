package io.sipwake.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipwake.server.config.ConfigException;
import io.sipwake.server.config.SipwakeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PURR key (RFC 8599 §6) lives in the data directory, owner-only, and stays the same across restarts. */
class PurrKeyTest {
    @TempDir
    Path dir;

    @Test
    void theKeyIsMadeOnceOwnerOnlyAndReadBackAfterARestart() throws Exception {
        SipwakeConfig.Store store = new SipwakeConfig.Store("sqlite", dir.resolve("data"));
        byte[] first = SipwakeServer.purrKey(store);
        Path file = dir.resolve("data/purr.key");
        assertThat(file).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(SipwakeServer.purrKey(store)).isEqualTo(first);
    }

    @Test
    void aFileThatIsNoKeyIsRefusedNamingIt() throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/purr.key"), "not a key");
        assertThatThrownBy(() -> SipwakeServer.purrKey(new SipwakeConfig.Store("sqlite", dir.resolve("data"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("purr.key").hasMessageContaining("remove it");
    }
}

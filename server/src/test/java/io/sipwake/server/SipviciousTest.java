package io.sipwake.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.testing.Sipsak;
import io.sipwake.testing.SipsakResult;
import io.sipwake.testing.Sipvicious;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sipwake under SIPVicious, the scanner that sweeps the Internet for SIP servers and guesses their users: it is
 * found (it answers OPTIONS), it keeps serving, and REGISTER answers do not tell configured users from others.
 */
class SipviciousTest {
    @TempDir
    Path dir;

    @Test
    void svmapFindsSipwakeAndSipwakeKeepsServing() {
        try (TestServer server = TestServer.start(dir)) {
            String out = Sipvicious.run("svmap", Duration.ofSeconds(30), "127.0.0.1", "-p", Integer.toString(server.port()));
            assertThat(out).contains("127.0.0.1:" + server.port());
            SipsakResult options = Sipsak.options("127.0.0.1", server.port()).run();
            assertThat(options).matches(SipsakResult::succeeded, "still answers OPTIONS after the scan");
        }
    }

    @Test
    void svwarCannotTellConfiguredUsersByRegister_everyRegisterIsChallengedAlike() {
        // alice, bob and carol exist; svwar tries them among names that do not
        try (TestServer server = TestServer.start(dir)) {
            Path names = write("names.txt", "alice\nbob\ncarol\nmallory\ntrent\n1001\n");
            String out = Sipvicious.run("svwar", Duration.ofSeconds(60), "-m", "REGISTER", "-d", names.toString(),
                    "127.0.0.1", "-p", Integer.toString(server.port()));
            assertThat(out).doesNotContain("| alice").doesNotContain("| bob").doesNotContain("| carol")
                    .containsAnyOf("authentication request for an unknown extension", "found nothing");
        }
    }

    private Path write(String name, String text) {
        try {
            return java.nio.file.Files.writeString(dir.resolve(name), text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

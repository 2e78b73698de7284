package io.sipwake.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * SIPVicious (Debian's {@code sipvicious}): the scanner attackers point at SIP servers. {@code svmap} finds SIP
 * devices, {@code svwar} guesses which extensions exist. Runs bounded in time, loopback only.
 */
public final class Sipvicious {
    private Sipvicious() {}

    /** Runs one SIPVicious tool with {@code args}, at most {@code limit}; returns what it printed. */
    public static String run(String tool, Duration limit, String... args) {
        Path executable = Peers.require(tool);
        List<String> command = new ArrayList<>(List.of(executable.toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[][] out = new byte[1][];
            Thread reader = new Thread(() -> {
                try (InputStream in = p.getInputStream()) {
                    out[0] = in.readAllBytes();
                } catch (IOException e) {
                    out[0] = new byte[0];
                }
            }, tool + "-output");
            reader.start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(tool + " did not finish within " + limit);
            }
            reader.join(5_000);
            return out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}

package io.sipwake.server.cli;

import io.sipwake.server.PushReloader;
import io.sipwake.server.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP reloads the push credentials ({@link PushReloader}), as daemons conventionally re-read their configuration
 * on it ({@code systemctl reload sipwake}). The outcome is logged; a refused file leaves the running credentials.
 */
final class ReloadOnSighup {
    private static final Logger log = LoggerFactory.getLogger(ReloadOnSighup.class);

    private ReloadOnSighup() {}

    static void install(PushReloader reloader) {
        try {
            Signal.handle(new Signal("HUP"), signal -> {
                // off the signal dispatcher thread: a reload reads files and opens connections
                Thread t = new Thread(() -> {
                    try {
                        reloader.reload(); // logs what changed
                    } catch (ConfigException e) {
                        // logged by the reloader, with the key
                    } catch (RuntimeException e) {
                        log.warn("reload on SIGHUP failed: {}", e.toString());
                    }
                }, "sipwake-reload");
                t.setDaemon(true);
                t.start();
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.info("SIGHUP cannot be handled here ({}): reload with `sipwake reload` instead", e.getMessage());
        }
    }
}

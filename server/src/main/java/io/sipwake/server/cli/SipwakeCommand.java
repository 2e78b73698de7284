package io.sipwake.server.cli;

import io.sipwake.server.SipwakeServer;
import io.sipwake.server.Version;
import io.sipwake.server.config.ConfigException;
import io.sipwake.server.config.ConfigLoader;
import io.sipwake.server.config.SipwakeConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code sipwake} command line. Exit codes: 0 success, 1 runtime failure, 2 usage error,
 * 3 invalid configuration.
 */
@Command(name = "sipwake", mixinStandardHelpOptions = true, versionProvider = SipwakeCommand.VersionProvider.class,
        description = "A SIP push proxy and registrar that wakes sleeping mobile phones for calls (RFC 8599).",
        subcommands = {SipwakeCommand.Run.class, SipwakeCommand.CheckConfig.class, SipwakeCommand.VersionCommand.class})
public final class SipwakeCommand implements Callable<Integer> {
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_BAD_CONFIG = 3;

    /** Without a subcommand, sipwake runs. */
    @Override
    public Integer call() throws Exception {
        return new Run().call();
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SipwakeCommand()).execute(args));
    }

    static class ConfigOption {
        @Option(names = {"-c", "--config"}, paramLabel = "FILE",
                description = "YAML configuration file (default: built-in defaults; see config/sipwake.example.yaml)")
        Path config;
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Start sipwake and run until stopped (SIGINT/SIGTERM).")
    static final class Run implements Callable<Integer> {
        @CommandLine.Mixin
        ConfigOption options = new ConfigOption();

        @Override
        public Integer call() throws Exception {
            SipwakeConfig config;
            try {
                config = ConfigLoader.load(options.config);
            } catch (ConfigException e) {
                System.err.println("sipwake: invalid configuration: " + e.getMessage());
                return EXIT_BAD_CONFIG;
            }
            SipwakeServer server;
            try {
                server = SipwakeServer.start(config);
            } catch (ConfigException e) {
                System.err.println("sipwake: invalid configuration: " + e.getMessage());
                return EXIT_BAD_CONFIG;
            } catch (RuntimeException e) {
                System.err.println("sipwake: could not start: " + e.getMessage());
                return EXIT_FAILURE;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "sipwake-shutdown"));
            stopped.await();
            return 0;
        }
    }

    @Command(name = "check-config", mixinStandardHelpOptions = true,
            description = "Validate a configuration file without starting; exit 0 when valid, 3 when not.")
    static final class CheckConfig implements Callable<Integer> {
        @CommandLine.Mixin
        ConfigOption options = new ConfigOption();

        @Override
        public Integer call() {
            try {
                ConfigLoader.load(options.config);
                System.out.println((options.config == null ? "built-in defaults" : options.config) + ": configuration is valid");
                return 0;
            } catch (ConfigException e) {
                System.err.println("sipwake: invalid configuration: " + e.getMessage());
                return EXIT_BAD_CONFIG;
            }
        }
    }

    @Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version and build.")
    static final class VersionCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.println("sipwake " + Version.version() + " (build " + Version.build() + ")");
            return 0;
        }
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"sipwake " + Version.version() + " (build " + Version.build() + ")"};
        }
    }
}

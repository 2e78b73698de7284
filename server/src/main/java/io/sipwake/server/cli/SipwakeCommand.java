package io.sipwake.server.cli;

import io.sipwake.server.SipwakeServer;
import io.sipwake.server.Version;
import io.sipwake.server.config.ConfigException;
import io.sipwake.server.config.ConfigLoader;
import io.sipwake.server.config.SipwakeConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code sipwake} command line. Exit codes: 0 success, 1 runtime failure, 2 usage error,
 * 3 invalid configuration, 4 not found, 5 admin API unreachable; {@code wake} adds 6 push rejected, 7 token dead,
 * 8 wait timed out. {@code bindings}, {@code calls}, {@code trace}, {@code push} and {@code wake} talk to a running
 * sipwake over its admin API ({@link AdminCommands}, {@link WakeCommand}).
 *
 * <p>Commands print through picocli's writers ({@code spec.commandLine().getOut()/getErr()}), which are
 * System.out and System.err unless a caller (a test) sets others.
 */
@Command(name = "sipwake", mixinStandardHelpOptions = true, versionProvider = SipwakeCommand.VersionProvider.class,
        description = "A SIP push proxy and registrar that wakes sleeping mobile phones for calls (RFC 8599).",
        subcommands = {SipwakeCommand.Run.class, SipwakeCommand.CheckConfig.class, AdminCommands.Push.class,
                AdminCommands.Bindings.class, AdminCommands.Calls.class, AdminCommands.Trace.class, WakeCommand.class,
                SipwakeCommand.VersionCommand.class, DemoCommand.class, ReloadCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:runtime failure, e.g. a port already in use", "2:usage error",
                "3:invalid configuration (also: an unreadable admin token file, or a token the admin API refuses)",
                "4:not found (an AOR without bindings, a Call-ID without trace)", "5:cannot reach the admin API",
                "6:wake: the push was rejected or failed", "7:wake: the push token is dead (binding removed)",
                "8:wake --wait: the phone did not register in time"})
public final class SipwakeCommand implements Callable<Integer> {
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_BAD_CONFIG = 3;
    public static final int EXIT_NOT_FOUND = 4;
    public static final int EXIT_UNREACHABLE = 5;
    public static final int EXIT_PUSH_REJECTED = 6;
    public static final int EXIT_TOKEN_DEAD = 7;
    public static final int EXIT_WAKE_TIMEOUT = 8;

    @Spec
    CommandSpec spec;

    /** Without a subcommand, sipwake runs with the built-in defaults, as {@code sipwake run} does. */
    @Override
    public Integer call() throws InterruptedException {
        // Through the run subcommand's own object, so that there is one thing to stop however sipwake was started.
        Run run = spec.subcommands().get("run").getCommand();
        return run.run(null, spec.commandLine().getErr());
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
        @Spec
        CommandSpec spec;

        @CommandLine.Mixin
        ConfigOption options = new ConfigOption();

        /** Counted down by the JVM's shutdown hook on SIGINT/SIGTERM, or by {@link #stop()}. */
        private final CountDownLatch stopRequested = new CountDownLatch(1);

        @Override
        public Integer call() throws InterruptedException {
            return run(options.config, spec.commandLine().getErr());
        }

        int run(Path configFile, PrintWriter err) throws InterruptedException {
            SipwakeConfig config;
            try {
                config = ConfigLoader.load(configFile);
            } catch (ConfigException e) {
                err.println("sipwake: invalid configuration: " + e.getMessage());
                return EXIT_BAD_CONFIG;
            }
            io.sipwake.server.LogFormat.apply(config.logging());
            SipwakeServer server;
            try {
                server = SipwakeServer.start(config);
            } catch (ConfigException e) {
                err.println("sipwake: invalid configuration: " + e.getMessage());
                return EXIT_BAD_CONFIG;
            } catch (RuntimeException e) {
                err.println("sipwake: could not start: " + Objects.requireNonNullElse(e.getMessage(), e.toString()));
                return EXIT_FAILURE;
            }
            if (configFile != null) {
                server.enableReload(configFile, config); // POST /api/v1/reload, sipwake reload
                ReloadOnSighup.install(server.pushReloader());
            }
            runUntilStopped(server);
            return 0;
        }

        /**
         * Blocks until a stop is requested, then closes the server on this thread. On SIGINT/SIGTERM the JVM exits
         * as soon as its shutdown hooks return, so the hook waits until the server is closed (pending binding
         * writes saved, store closed).
         */
        private void runUntilStopped(SipwakeServer server) throws InterruptedException {
            CountDownLatch closed = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                stopRequested.countDown();
                try {
                    closed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "sipwake-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                stopRequested.await();
            } finally {
                try {
                    server.close();
                } finally {
                    closed.countDown();
                }
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shutdownInProgress) {
                    // Stopped by a signal: the hook is running and returns now that the server is closed.
                }
            }
        }

        /**
         * Makes a running (or about to run) {@link #call()} close the server and return 0, as SIGTERM does. For
         * tests, which cannot signal their own JVM; not reachable from the command line.
         */
        void stop() {
            stopRequested.countDown();
        }
    }

    @Command(name = "check-config", mixinStandardHelpOptions = true,
            description = "Validate a configuration file without starting; exit 0 when valid, 3 when not.")
    static final class CheckConfig implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @CommandLine.Mixin
        ConfigOption options = new ConfigOption();

        @Override
        public Integer call() {
            try {
                ConfigLoader.load(options.config);
                spec.commandLine().getOut().println((options.config == null ? "built-in defaults" : options.config) + ": configuration is valid");
                return 0;
            } catch (ConfigException e) {
                spec.commandLine().getErr().println("sipwake: invalid configuration: " + e.getMessage());
                return EXIT_BAD_CONFIG;
            }
        }
    }

    @Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version and build.")
    static final class VersionCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(VersionProvider.line());
            return 0;
        }
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        static String line() {
            return "sipwake " + Version.version() + " (build " + Version.build() + ")";
        }

        @Override
        public String[] getVersion() {
            return new String[] {line()};
        }
    }
}

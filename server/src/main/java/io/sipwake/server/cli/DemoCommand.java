package io.sipwake.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.sipwake.server.demo.Demo;
import io.sipwake.server.demo.DemoFailure;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sipwake demo}: see {@link Demo}. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Show push wake-up end to end on this machine, with no account anywhere: sipwake, an APNs and an FCM "
                + "double, a sleeping iPhone and Android phone and a caller, all on 127.0.0.1.",
                "Prints the timeline of each call and exits 0 when both phones were woken and answered, 1 (with the reason) otherwise."})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", description = "also show sipwake's own log lines")
    boolean verbose;

    /** Loggers whose INFO lines would interleave with the timeline, which is the demo's output. */
    private static final String[] QUIETED = {org.slf4j.Logger.ROOT_LOGGER_NAME, "io.sipwake", "com.eatthepath"};

    @Override
    public Integer call() {
        Map<Logger, Level> before = new LinkedHashMap<>();
        if (!verbose) {
            for (String name : QUIETED) {
                if (LoggerFactory.getLogger(name) instanceof Logger logback) {
                    before.put(logback, logback.getLevel());
                    logback.setLevel(Level.WARN);
                }
            }
        }
        try {
            Demo.run(spec.commandLine().getOut());
            return 0;
        } catch (DemoFailure e) {
            spec.commandLine().getErr().println("sipwake demo failed: " + Objects.requireNonNullElse(e.getMessage(), e.toString()));
            return SipwakeCommand.EXIT_FAILURE;
        } finally {
            before.forEach(Logger::setLevel);
        }
    }
}

package io.sipwake.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A process the benchmark started (sipwake, Kamailio, SIPp), its output in a log file. Every process is also
 * registered for a JVM shutdown hook, so that Ctrl-C or a failure stops whatever is still running; {@link #close()}
 * stops the process and its descendants (Kamailio's workers) with SIGTERM, then SIGKILL after a grace period.
 */
final class Proc implements AutoCloseable {
    private static final Set<Proc> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Proc::stopAll, "stop-benchmark-processes"));
    }

    private final String name;
    private final Process process;
    private final Path log;

    private Proc(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} in {@code dir}; stdout and stderr go to {@code dir/<name>.log} (or nowhere). */
    static Proc start(String name, List<String> command, Path dir, Map<String, String> env, boolean keepOutput) {
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.redirectOutput(keepOutput ? ProcessBuilder.Redirect.to(log.toFile()) : ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        try {
            Proc p = new Proc(name, pb.start(), log);
            RUNNING.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
    }

    /** Stops every process still running (a section that failed or ran out of time may have left some). */
    static void stopAll() {
        List.copyOf(RUNNING).forEach(Proc::close);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String name() {
        return name;
    }

    /** The output so far (empty when it was not kept). */
    String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** The last lines of the output, for error messages. */
    String tail() {
        List<String> lines = output().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    /** Waits for the process to exit by itself; kills it and returns -1 if it does not within {@code seconds}. */
    int await(long seconds) throws InterruptedException {
        if (process.waitFor(seconds, TimeUnit.SECONDS)) {
            RUNNING.remove(this);
            return process.exitValue();
        }
        close();
        return -1;
    }

    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        RUNNING.remove(this);
    }
}

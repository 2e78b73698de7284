package io.sipwake.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A peer process with its own working directory, its output in a file and no standard input.
 * Its owner waits for it with a deadline ({@link #awaitExit}) and always closes it, which ends it
 * and everything it started; any left running when the JVM exits is ended then.
 */
final class BoundedProcess implements AutoCloseable {

    /** Exit code reported for a process that had to be killed at its deadline. */
    static final int KILLED = -1;

    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    /** Processes not closed yet: ended when the JVM exits, should a test never close them. */
    private static final Set<BoundedProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(BoundedProcess::kill), "peer-process-reaper"));
    }

    private final List<String> command;
    private final Path workDir;
    private final Path output;
    private final Process process;

    private BoundedProcess(List<String> command, Path workDir, Path output, Process process) {
        this.command = List.copyOf(command);
        this.workDir = workDir;
        this.output = output;
        this.process = process;
    }

    /** Starts {@code command} in {@code workDir}, standard output and error going to output.log there. */
    static BoundedProcess start(List<String> command, Path workDir, Map<String, String> environment) {
        Path output = workDir.resolve("output.log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        try {
            BoundedProcess started = new BoundedProcess(command, workDir, output, builder.start());
            RUNNING.add(started);
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
    }

    /** A fresh working directory for one peer process. */
    static Path newWorkDir(String name) {
        try {
            return Files.createTempDirectory("sipwake-" + name.replaceAll("[^A-Za-z0-9._-]", "_") + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits up to {@code max} for the process to exit, and returns its exit code; kills it and
     * returns {@link #KILLED} if it has not exited by then.
     */
    int awaitExit(Duration max) {
        try {
            if (process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
        return KILLED;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    List<String> command() {
        return command;
    }

    Path workDir() {
        return workDir;
    }

    /** The output so far (standard output and error together). */
    String output() {
        return read(output);
    }

    /** Ends the process (politely, then by force) and every process it started. */
    void kill() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    /** Kills the process if it still runs, and removes its working directory unless -Dsipwake.keepPeerFiles is set. */
    @Override
    public void close() {
        if (process.isAlive() || process.descendants().findAny().isPresent()) {
            kill();
        }
        RUNNING.remove(this);
        if (!Boolean.getBoolean("sipwake.keepPeerFiles")) {
            deleteRecursively(workDir);
        }
    }

    /** The text of {@code file}, or "" if it does not exist (yet). */
    static String read(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a classpath resource into {@code dir}, keeping its file name. */
    static Path copyResource(String resource, Path dir) {
        try (InputStream in = BoundedProcess.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no " + resource + " on the test classpath");
            }
            Path file = dir.resolve(Path.of(resource).getFileName());
            Files.copy(in, file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code text} (UTF-8) to {@code file}. */
    static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a left-over temp directory harms nothing
        }
    }
}

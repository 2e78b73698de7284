package io.sipwake.bench.compare;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where things are and how big the loads are: the tools (sipp, kamailio, kamcmd, jcmd), how to start sipwake, the
 * work directory (logs, databases, extracted scenarios), and the smoke switch that shrinks every load to seconds.
 */
final class Harness implements AutoCloseable {
    private static final List<String> SBIN = List.of("/usr/local/sbin", "/usr/sbin", "/sbin");
    static final String[] RESOURCES = {"kamailio-bench.cfg", "sipp/register.xml", "sipp/caller.xml", "sipp/callee.xml"};

    private final boolean smoke;
    private final List<String> sipwakeJava;
    private final Path work;
    private final boolean keepWork;
    private final PrintStream log;
    private final Path profileDir;
    /** Per section thread: a thread abandoned by its section still sees its own, past deadline, not the next one's. */
    private final ThreadLocal<Long> deadlineNanos = ThreadLocal.withInitial(() -> Long.MAX_VALUE);

    /** Thrown when the current section's time is up: the section stops, its rows say it ran out of time. */
    static final class OutOfTime extends RuntimeException {
        OutOfTime() {
            super("the section ran out of time");
        }
    }

    Harness(boolean smoke, List<String> sipwakeJava, Path work, boolean keepWork, PrintStream log, Path profileDir) {
        this.smoke = smoke;
        this.sipwakeJava = List.copyOf(sipwakeJava);
        this.work = work;
        this.keepWork = keepWork;
        this.log = log;
        this.profileDir = profileDir;
        for (String r : RESOURCES) extract(r);
    }

    /** {@code java [options] -jar sipwake.jar} when the jar is given, else sipwake's main class on this class path. */
    static List<String> sipwakeCommand(Path jar) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> c = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        if (jar != null) {
            c.addAll(List.of("-jar", jar.toString()));
        } else {
            c.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.sipwake.server.cli.SipwakeCommand"));
        }
        return c;
    }

    /** The calling thread's section must end by this {@link System#nanoTime()}. */
    void deadline(long nanos) {
        deadlineNanos.set(nanos);
    }

    boolean pastDeadline() {
        return System.nanoTime() - deadlineNanos.get() > 0;
    }

    /** Called before each step that starts something: stops a section that is past its deadline. */
    void checkTime() {
        if (pastDeadline() || Thread.currentThread().isInterrupted()) throw new OutOfTime();
    }

    /** A failure in a few words for a table row: the first line of the message (a node's log tail follows it). */
    static String reason(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String first = message.lines().findFirst().orElse("").trim();
        return first.length() > 120 ? first.substring(0, 117) + "..." : first;
    }

    boolean smoke() {
        return smoke;
    }

    /** The command that starts sipwake, before its own arguments ({@code run -c FILE}). */
    List<String> sipwakeJava() {
        return sipwakeJava;
    }

    /** Where JFR recordings of sipwake go, or null when not profiling. */
    Path profileDir() {
        return profileDir;
    }

    /** A fresh directory for one process or step. */
    Path workDir(String name) {
        try {
            return Files.createDirectories(work.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path resource(String name) {
        return work.resolve("resources").resolve(name);
    }

    Path sipp() {
        return tool("sipp", "sip-tester");
    }

    Path kamailio() {
        return tool("kamailio", "kamailio");
    }

    Path kamcmd() {
        return tool("kamcmd", "kamailio");
    }

    Path jcmd() {
        return Path.of(System.getProperty("java.home"), "bin", "jcmd");
    }

    /** The executable on PATH or in an sbin directory, if installed. */
    static Optional<Path> find(String executable) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) dirs.addAll(List.of(path.split(File.pathSeparator)));
        dirs.addAll(SBIN);
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, executable)).filter(Files::isExecutable).findFirst();
    }

    private static Path tool(String executable, String debianPackage) {
        return find(executable).orElseThrow(() -> new IllegalStateException(
                executable + " is not installed: apt-get install " + debianPackage + " (or run scripts/install-test-peers)"));
    }

    void log(String format, Object... args) {
        log.println("==> " + String.format(Locale.ROOT, format, args));
        log.flush();
    }

    void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void extract(String name) {
        Path target = resource(name);
        try (InputStream in = Harness.class.getResourceAsStream("/compare/" + name)) {
            if (in == null) throw new IllegalStateException("resource compare/" + name + " is missing from the class path");
            Files.createDirectories(target.getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (keepWork) {
            log("logs and databases kept in %s", work);
            return;
        }
        try (Stream<Path> paths = Files.walk(work)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }
}

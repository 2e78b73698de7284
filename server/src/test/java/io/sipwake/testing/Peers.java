package io.sipwake.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/**
 * Finds the real SIP peers (SIPp, sipsak, Kamailio, ...) that tests run against.
 *
 * <p>A missing peer skips the test on a developer's machine, but fails it when the {@code CI}
 * environment variable is set: CI installs every peer ({@code .ci/run}), so a missing one there
 * is a broken build, never a silently skipped test.
 */
public final class Peers {

    /** Executable name to the Debian package that provides it. */
    private static final Map<String, String> PACKAGES = Map.of(
            "sipp", "sip-tester",
            "sipsak", "sipsak",
            "kamailio", "kamailio",
            "openssl", "openssl",
            "linphonec", "linphone-cli",
            "baresip", "baresip-core",
            "svmap", "sipvicious",
            "svwar", "sipvicious");

    /** Searched after PATH: a non-root PATH often lacks sbin, where kamailio lives. */
    private static final List<String> SBIN = List.of("/usr/local/sbin", "/usr/sbin", "/sbin");

    private Peers() {
    }

    /**
     * The path of {@code executable}; if it is not installed, fails the test when CI is set and
     * skips it otherwise, naming the Debian package to install.
     */
    public static Path require(String executable) {
        return find(executable).orElseGet(() -> missing(executable + " is not installed", packageFor(executable), onCi()));
    }

    /**
     * {@code file}, which {@code debianPackage} installs (e.g. a Kamailio module); fails or skips
     * like {@link #require(String)} when it is missing.
     */
    public static Path requireFile(Path file, String debianPackage) {
        return Files.isRegularFile(file) ? file : missing(file + " does not exist", debianPackage, onCi());
    }

    /** The executable on PATH (or in an sbin directory), if installed. */
    public static Optional<Path> find(String executable) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(SBIN);
        return dirs.stream()
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, executable))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** The Debian package that provides {@code executable} (its own name if unknown). */
    public static String packageFor(String executable) {
        return PACKAGES.getOrDefault(executable, executable);
    }

    /** True when the CI environment variable is set (to anything but "" or "false"). */
    public static boolean onCi() {
        return onCi(System.getenv("CI"));
    }

    static boolean onCi(String ciVariable) {
        return ciVariable != null && !ciVariable.isBlank() && !ciVariable.equalsIgnoreCase("false");
    }

    static <T> T missing(String what, String debianPackage, boolean ci) {
        String message = what + ": install " + debianPackage + " (apt-get install " + debianPackage + ")";
        if (ci) {
            throw new AssertionError(message + "; real-peer tests must run, not skip, when CI is set");
        }
        return Assumptions.abort(message);
    }
}

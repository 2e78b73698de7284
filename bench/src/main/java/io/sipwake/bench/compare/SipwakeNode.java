package io.sipwake.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * sipwake in its own JVM, started the way an operator runs it ({@code java -jar sipwake.jar run -c FILE}, logging at
 * the shipped default INFO), listening on 127.0.0.1 UDP+TCP, registrar without authentication.
 */
final class SipwakeNode implements Node {
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final Proc proc;
    private final int port;
    private final long startMillis;
    private final Path dir;

    private SipwakeNode(Proc proc, int port, long startMillis, Path dir) {
        this.proc = proc;
        this.port = port;
        this.startMillis = startMillis;
        this.dir = dir;
    }

    /**
     * Starts sipwake with the store type ("memory" or "sqlite", data in {@code dir/data}) and further top-level YAML
     * sections ({@code push:}, {@code edge:}); with {@code jfrFile} non-null, records a JFR profile into it.
     */
    static SipwakeNode start(Harness h, String name, String storeType, String moreYaml, Path jfrFile) {
        h.checkTime();
        Path dir = h.workDir(name);
        int port = Udp.freePort();
        String yaml = "sip:\n"
                + "  address: 127.0.0.1\n"
                + "  resolve-names: false\n"
                + "  listen:\n"
                + "    - {transport: udp, port: " + port + "}\n"
                + "    - {transport: tcp, port: " + port + "}\n"
                + "registrar:\n"
                + "  authentication: false\n"
                + "store:\n"
                + "  type: " + storeType + "\n"
                + "  data-dir: " + dir.resolve("data") + "\n"
                + moreYaml;
        try {
            Files.writeString(dir.resolve("sipwake.yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(h.sipwakeJava());
        if (jfrFile != null) {
            command.add(1, "-XX:StartFlightRecording=filename=" + jfrFile + ",settings=profile,dumponexit=true");
        }
        command.addAll(List.of("run", "-c", dir.resolve("sipwake.yaml").toString()));
        long t0 = System.nanoTime();
        Proc proc = Proc.start(name, command, dir, Map.of(), true);
        try {
            Udp.awaitOptions(port, h.smoke() ? 60_000 : 180_000, proc::isAlive, name);
        } catch (RuntimeException e) {
            proc.close();
            throw new IllegalStateException(e.getMessage() + "\n" + proc.tail(), e);
        }
        return new SipwakeNode(proc, port, (System.nanoTime() - t0) / 1_000_000, dir);
    }

    @Override
    public String name() {
        return proc.name();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public long startMillis() {
        return startMillis;
    }

    Path dir() {
        return dir;
    }

    String log() {
        return proc.output();
    }

    /** Java heap in use after a full GC (jcmd GC.run, then GC.heap_info), in bytes. */
    long heapUsedAfterGc(Harness h) {
        jcmd(h, "GC.run");
        jcmd(h, "GC.run");
        String info = jcmd(h, "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) throw new IllegalStateException("no heap figure in jcmd GC.heap_info:\n" + info);
        return Long.parseLong(m.group(1)) * 1024;
    }

    private String jcmd(Harness h, String what) {
        try {
            Process p = new ProcessBuilder(h.jcmd().toString(), Long.toString(proc.pid()), what).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + what + " failed: " + new String(out));
            }
            return new String(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        proc.close();
    }
}

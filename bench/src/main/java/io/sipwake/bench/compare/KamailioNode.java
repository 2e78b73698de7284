package io.sipwake.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kamailio from Debian's packages with {@code compare/kamailio-bench.cfg} in one of its roles (the {@code -A} defines),
 * on 127.0.0.1 UDP+TCP, with the ctl module so that {@code kamcmd} can read its shared memory use ({@code -m}: its size; {@code -M}, private memory per process, half that: usrloc preloads a whole SQLite table in it).
 */
final class KamailioNode implements Node {
    private static final Pattern SHM_USED = Pattern.compile("used:\\s*(\\d+)");

    private final Proc proc;
    private final int port;
    private final long startMillis;
    private final Path ctlSocket;

    private KamailioNode(Proc proc, int port, long startMillis, Path ctlSocket) {
        this.proc = proc;
        this.port = port;
        this.startMillis = startMillis;
        this.ctlSocket = ctlSocket;
    }

    static KamailioNode start(Harness h, String name, int port, int shmMegabytes, List<String> defines) {
        h.checkTime();
        Path dir = h.workDir(name);
        Path ctl = dir.resolve("ctl.sock");
        List<String> command = new ArrayList<>(List.of(h.kamailio().toString(), "-DD", "-E",
                "-f", h.resource("kamailio-bench.cfg").toString(), "-Y", dir.toString(),
                "-l", "udp:127.0.0.1:" + port, "-l", "tcp:127.0.0.1:" + port,
                "-A", "WITH_CTL", "-A", "CTL_SOCKET=\"unix:" + ctl + "\"", "-m", Integer.toString(shmMegabytes), "-M", Integer.toString(shmMegabytes / 2)));
        for (String d : defines) command.addAll(List.of("-A", d));
        long t0 = System.nanoTime();
        Proc proc = Proc.start(name, command, dir, Map.of(), true);
        try {
            Udp.awaitOptions(port, 180_000, proc::isAlive, name);
        } catch (RuntimeException e) {
            proc.close();
            throw new IllegalStateException(e.getMessage() + "\n" + proc.tail(), e);
        }
        return new KamailioNode(proc, port, (System.nanoTime() - t0) / 1_000_000, ctl);
    }

    static KamailioNode start(Harness h, String name, List<String> defines) {
        return start(h, name, Udp.freePort(), 1024, defines);
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

    /** Shared memory in use (kamcmd core.shmmem), in bytes: where usrloc and tm keep bindings and transactions. */
    long sharedMemoryUsed(Harness h) {
        try {
            Process p = new ProcessBuilder(h.kamcmd().toString(), "-s", "unix:" + ctlSocket, "core.shmmem")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("kamcmd failed: " + out);
            Matcher m = SHM_USED.matcher(out);
            if (!m.find()) throw new IllegalStateException("no 'used' in kamcmd core.shmmem:\n" + out);
            return Long.parseLong(m.group(1));
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

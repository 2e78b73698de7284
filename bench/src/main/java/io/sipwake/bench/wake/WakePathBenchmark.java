package io.sipwake.bench.wake;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.sipwake.push.apns.testing.MockApns;
import io.sipwake.server.SipwakeServer;
import io.sipwake.server.config.ConfigLoader;
import io.sipwake.sip.transport.Flow;
import io.sipwake.store.Binding;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * The RFC 8599 wake path, end to end on loopback: an in-process sipwake (standalone registrar, no
 * authentication) pushes through an in-process APNs double ({@link MockApns}, Pushy's
 * MockApnsServer over HTTP/2 + TLS with JWT validation). N phones (raw TCP clients) register with
 * {@code pn-provider=apns;pn-param=...;pn-prid=...} and close their connection (asleep). A caller
 * (raw UDP) sends K INVITEs; for every push the double receives, the matching phone reconnects and
 * sends its re-REGISTER. Each phone measures, with {@link System#nanoTime()} on its own side, the
 * time from writing the re-REGISTER to reading the whole INVITE (this includes sipwake's 200 to the
 * REGISTER on the same connection), then answers 486 so that every transaction ends. sipwake's own
 * view ("REGISTER seen" to "forwarded" in PushBucket's per-call timeline, millisecond resolution)
 * is read from its log line and reported beside it.
 *
 * <p>Usage: {@code WakePathBenchmark [levels] [repeats-of-level-1]}, e.g. {@code 1,100,1000 30}.
 * Everything is bounded (every wait has a deadline) and everything started is stopped.
 */
public final class WakePathBenchmark {
    static final String TEAM = "ABCD1234";
    static final String KEY_ID = "KEY1234567";
    static final String BUNDLE = "org.example.phone";
    static final Pattern SEEN = Pattern.compile("(\\d+)ms REGISTER seen");
    static final Pattern FORWARDED = Pattern.compile("(\\d+)ms forwarded");

    private final SipwakeServer server;
    private final MockApns apns;
    private final int port;
    private final Map<String, Phone> phonesByToken = new ConcurrentHashMap<>();
    private final Map<String, Long> sipwakeMillisByCallId = new ConcurrentHashMap<>();
    private final ExecutorService wakers = Executors.newCachedThreadPool(daemon("phone"));
    private final AtomicInteger pushes = new AtomicInteger();

    private WakePathBenchmark(SipwakeServer server, MockApns apns, int port) {
        this.server = server;
        this.apns = apns;
        this.port = port;
        apns.onReceived(r -> {
            pushes.incrementAndGet();
            Phone p = phonesByToken.get(r.token());
            if (p != null && p.armed.compareAndSet(true, false)) wakers.execute(p::wake);
        });
    }

    public static void main(String[] args) throws Exception {
        int[] levels = Arrays.stream((args.length > 0 ? args[0] : "1,100,1000").split(",")).mapToInt(Integer::parseInt).toArray();
        int singleRepeats = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        WakePathBenchmark[] self = new WakePathBenchmark[1];
        LoggerContext logs = (LoggerContext) LoggerFactory.getILoggerFactory();
        logs.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        ch.qos.logback.classic.Logger bucketLog = logs.getLogger("io.sipwake.proxy.push.PushBucket");
        bucketLog.setLevel(Level.INFO);
        bucketLog.setAdditive(false);
        AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent e) {
                String m = e.getFormattedMessage();
                if (!m.startsWith("push wake ") || self[0] == null) return;
                String[] words = m.split(" ", 5);
                Matcher s = SEEN.matcher(m);
                Matcher f = FORWARDED.matcher(m);
                if (words.length > 3 && s.find() && f.find()) {
                    self[0].sipwakeMillisByCallId.put(words[3], Long.parseLong(f.group(1)) - Long.parseLong(s.group(1)));
                }
            }
        };
        capture.setContext(logs);
        capture.start();
        bucketLog.addAppender(capture);

        Path dir = Files.createTempDirectory("sipwake-wake-bench");
        Files.createDirectories(dir.resolve("apns"));
        SipwakeServer server = null;
        MockApns apns = null;
        try {
            apns = MockApns.start(dir.resolve("apns"), TEAM, KEY_ID, Set.of(BUNDLE));
            int port = freeUdpAndTcpPort();
            Path config = dir.resolve("sipwake.yaml");
            Files.writeString(config, yaml(apns, port, dir));
            server = SipwakeServer.start(ConfigLoader.load(config));
            WakePathBenchmark bench = new WakePathBenchmark(server, apns, port);
            self[0] = bench;
            System.err.printf("==> %s; %d CPUs; sipwake on 127.0.0.1:%d (udp+tcp), APNs double on localhost:%d%n",
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                    Runtime.getRuntime().availableProcessors(), port, apns.port());
            System.err.println("==> warm-up: 2 rounds of 100 calls (not reported)");
            for (int i = 0; i < 2; i++) bench.round("w" + i, 100);
            List<String[]> table = new ArrayList<>();
            for (int k : levels) {
                List<Long> phoneNanos = new ArrayList<>();
                List<Long> sipwakeMillis = new ArrayList<>();
                int repeats = k == 1 ? singleRepeats : 1;
                long started = System.nanoTime();
                for (int r = 0; r < repeats; r++) {
                    Result res = bench.round("k" + k + "r" + r, k);
                    phoneNanos.addAll(res.phoneNanos);
                    sipwakeMillis.addAll(res.sipwakeMillis);
                }
                long wallMs = (System.nanoTime() - started) / 1_000_000;
                table.add(row(k, repeats, phoneNanos, sipwakeMillis));
                System.err.printf("==> %d call(s) x %d round(s): %d samples in %d ms%n", k, repeats, phoneNanos.size(), wallMs);
            }
            printTable(table);
        } finally {
            if (self[0] != null) self[0].wakers.shutdownNow();
            if (server != null) server.close();
            if (apns != null) apns.close();
            deleteTree(dir);
        }
    }

    static String yaml(MockApns apns, int port, Path dir) {
        var team = apns.team();
        var endpoint = apns.endpoint();
        String ep = "{host: " + endpoint.host() + ", port: " + endpoint.port() + ", trust: " + endpoint.trustedServerCertificate() + "}";
        return "sip:\n"
                + "  address: 127.0.0.1\n"
                + "  resolve-names: false\n"
                + "  listen:\n"
                + "    - {transport: udp, port: " + port + "}\n"
                + "    - {transport: tcp, port: " + port + "}\n"
                + "registrar:\n"
                + "  authentication: false\n"
                + "push:\n"
                + "  call-timeout: 30s\n"
                + "  min-expires: 121\n"
                + "  apns:\n"
                + "    teams:\n"
                + "      - {team-id: " + team.teamId() + ", key-id: " + team.keyId() + ", signing-key: " + team.signingKeyFile()
                + ", bundle-ids: [" + BUNDLE + "]}\n"
                + "    production-endpoint: " + ep + "\n"
                + "    sandbox-endpoint: " + ep + "\n"
                + "store:\n"
                + "  data-dir: " + dir.resolve("data") + "\n";
    }

    record Result(List<Long> phoneNanos, List<Long> sipwakeMillis) {
    }

    /** One round: K fresh phones register and sleep, K calls arrive, every phone is woken by its push. */
    private Result round(String name, int k) throws Exception {
        List<Phone> phones = new ArrayList<>();
        for (int i = 0; i < k; i++) phones.add(new Phone(name + "u" + i));
        for (Phone p : phones) {
            apns.allow(BUNDLE + ".voip", p.token);
            phonesByToken.put(p.token, p);
        }
        // Register (8 at a time), then wait until sipwake has seen every connection close.
        ExecutorService registering = Executors.newFixedThreadPool(8, daemon("register"));
        try {
            for (var f : registering.invokeAll(phones.stream().map(p -> (java.util.concurrent.Callable<Void>) () -> {
                p.registerAndSleep();
                return null;
            }).toList(), 60, TimeUnit.SECONDS)) {
                f.get();
            }
        } finally {
            registering.shutdownNow();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (Phone p : phones) {
            while (true) {
                List<Binding> b = server.locations().lookup(p.aor());
                if (b.size() == 1 && !server.transport().isOpen(Flow.parseToken(b.get(0).flow()))) break;
                if (System.nanoTime() > deadline) throw new IllegalStateException(p.user + " did not go to sleep: " + b);
                Thread.sleep(5);
            }
        }
        for (Phone p : phones) p.arm(k);
        long budgetSeconds = 30 + k / 20;
        try (InviteCaller caller = new InviteCaller(port, "127.0.0.1:" + port, null)) {
            for (Phone p : phones) caller.invite(p.user, p.callId);
            caller.awaitAll(phones.stream().map(p -> p.callId).toList(), budgetSeconds);
        }
        for (Phone p : phones) {
            if (!p.done.await(5, TimeUnit.SECONDS)) throw new IllegalStateException(p.user + " never got its INVITE");
            if (p.failure != null) throw new IllegalStateException(p.user + ": " + p.failure, p.failure);
        }
        Result r = new Result(new ArrayList<>(), new ArrayList<>());
        long logDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Phone p : phones) {
            r.phoneNanos.add(p.nanos);
            Long ms;
            while ((ms = sipwakeMillisByCallId.remove(p.callId)) == null && System.nanoTime() < logDeadline) Thread.sleep(2);
            if (ms != null) r.sipwakeMillis.add(ms);
            phonesByToken.remove(p.token);
        }
        return r;
    }

    /** A simulated phone: a TCP client that registers with RFC 8599 parameters. */
    final class Phone {
        final String user;
        final String token = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
        final String callId = "wake-" + UUID.randomUUID();
        final AtomicBoolean armed = new AtomicBoolean();
        volatile CountDownLatch done = new CountDownLatch(1);
        volatile long nanos = -1;
        volatile Throwable failure;
        private int cseq;

        Phone(String user) {
            this.user = user;
        }

        String aor() {
            return "sip:" + user + "@127.0.0.1";
        }

        void arm(int k) {
            armed.set(true);
        }

        private String register(int localPort) {
            return "REGISTER sip:127.0.0.1:" + port + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/TCP 127.0.0.1:" + localPort + ";branch=z9hG4bK" + UUID.randomUUID() + ";rport\r\n"
                    + "Max-Forwards: 70\r\n"
                    + "From: <sip:" + user + "@127.0.0.1>;tag=" + user + "\r\n"
                    + "To: <sip:" + user + "@127.0.0.1>\r\n"
                    + "Call-ID: reg-" + user + "\r\n"
                    + "CSeq: " + (++cseq) + " REGISTER\r\n"
                    + "Contact: <sip:" + user + "@127.0.0.1:" + localPort + ";transport=tcp;pn-provider=apns;pn-param="
                    + TEAM + "." + BUNDLE + ".voip;pn-prid=" + token + ">\r\n"
                    + "Expires: 600\r\n"
                    + "Content-Length: 0\r\n\r\n";
        }

        void registerAndSleep() throws IOException {
            try (Socket s = connect()) {
                s.getOutputStream().write(register(s.getLocalPort()).getBytes(StandardCharsets.US_ASCII));
                String resp = new SipReader(s.getInputStream()).next();
                if (!resp.startsWith("SIP/2.0 200")) throw new IOException(user + ": REGISTER answered " + firstLine(resp));
            }
        }

        /** Woken by the push: re-REGISTER on a new connection, time until the INVITE is read, answer 486. */
        void wake() {
            try (Socket s = connect()) {
                OutputStream out = s.getOutputStream();
                SipReader in = new SipReader(s.getInputStream());
                byte[] reg = register(s.getLocalPort()).getBytes(StandardCharsets.US_ASCII);
                long t0 = System.nanoTime();
                out.write(reg);
                out.flush();
                String invite = null;
                boolean registered = false;
                while (invite == null) {
                    String m = in.next();
                    if (m.startsWith("SIP/2.0 ")) {
                        if (!m.startsWith("SIP/2.0 200")) throw new IOException("re-REGISTER answered " + firstLine(m));
                        registered = true;
                    } else if (m.startsWith("INVITE ")) {
                        invite = m;
                    }
                }
                nanos = System.nanoTime() - t0;
                if (!registered) throw new IOException("INVITE before the 200 to the re-REGISTER");
                out.write(busy(invite).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                // sipwake ACKs the 486 hop by hop; wait (bounded) for it so that the connection outlives the transaction.
                s.setSoTimeout(2_000);
                try {
                    while (!in.next().startsWith("ACK ")) {
                        // skip
                    }
                } catch (SocketTimeoutException e) {
                    // fine: the call still ended for the caller
                }
            } catch (Throwable e) {
                failure = e;
            } finally {
                done.countDown();
            }
        }

        private Socket connect() throws IOException {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.setSoTimeout(60_000);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            return s;
        }
    }

    /** 486 Busy Here to an INVITE: Vias, From, To (plus a tag), Call-ID and CSeq copied (RFC 3261 §8.2.6.2). */
    public static String busy(String invite) {
        StringBuilder sb = new StringBuilder("SIP/2.0 486 Busy Here\r\n");
        for (String line : invite.split("\r\n")) {
            if (line.isEmpty()) break;
            String name = line.substring(0, Math.max(0, line.indexOf(':'))).trim().toLowerCase(Locale.ROOT);
            switch (name) {
                case "via", "v", "from", "f", "call-id", "i", "cseq" -> sb.append(line).append("\r\n");
                case "to", "t" -> sb.append(line).append(line.contains(";tag=") ? "" : ";tag=busy").append("\r\n");
                default -> {
                }
            }
        }
        return sb.append("Content-Length: 0\r\n\r\n").toString();
    }

    /** Cuts a SIP byte stream into messages (CRLF keep-alives skipped, Content-Length honoured). */
    public static final class SipReader {
        private final InputStream in;

        public SipReader(InputStream in) {
            this.in = new BufferedInputStream(in);
        }

        public String next() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream(1024);
            int state = 0; // matched bytes of CRLFCRLF
            while (state < 4) {
                int b = in.read();
                if (b < 0) throw new IOException("connection closed");
                if (head.size() == 0 && (b == '\r' || b == '\n')) continue; // keep-alive
                head.write(b);
                state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : (b == '\r' ? 1 : 0);
            }
            String h = head.toString(StandardCharsets.UTF_8);
            String cl = header(h, "content-length", "l");
            int len = cl == null ? 0 : Integer.parseInt(cl.trim());
            byte[] body = in.readNBytes(len);
            if (body.length < len) throw new IOException("connection closed in a body");
            return h + new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The value of the first header field with this long or compact name, or null. */
    static String header(String message, String name, String compact) {
        for (String line : message.split("\r\n")) {
            if (line.isEmpty()) break;
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String n = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (n.equals(name) || (!compact.isEmpty() && n.equals(compact))) return line.substring(colon + 1).trim();
        }
        return null;
    }

    public static String firstLine(String m) {
        int i = m.indexOf("\r\n");
        return i < 0 ? m : m.substring(0, i);
    }

    static String[] row(int k, int repeats, List<Long> phoneNanos, List<Long> sipwakeMillis) {
        long[] p = phoneNanos.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] s = sipwakeMillis.stream().mapToLong(Long::longValue).sorted().toArray();
        return new String[] {
            "WakePath.reRegisterToInvite", Integer.toString(k), Integer.toString(p.length),
            ms(pct(p, 50)), ms(pct(p, 99)), ms(p[p.length - 1]),
            s.length == 0 ? "-" : Long.toString(pct(s, 50)), s.length == 0 ? "-" : Long.toString(pct(s, 99)),
            s.length == 0 ? "-" : Long.toString(s[s.length - 1])
        };
    }

    /** Nearest-rank percentile of a sorted array. */
    static long pct(long[] sorted, int pct) {
        int rank = (int) Math.ceil(pct / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    static void printTable(List<String[]> rows) {
        String[] head = {"Benchmark", "Calls", "Cnt", "p50(ms)", "p99(ms)", "max(ms)", "sw.p50(ms)", "sw.p99(ms)", "sw.max(ms)"};
        List<String[]> all = new ArrayList<>();
        all.add(head);
        all.addAll(rows);
        int[] w = new int[head.length];
        for (String[] r : all) for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], r[i].length());
        StringBuilder sb = new StringBuilder();
        for (String[] r : all) {
            for (int i = 0; i < r.length; i++) {
                sb.append(i == 0 ? String.format("%-" + w[i] + "s", r[i]) : String.format("  %" + w[i] + "s", r[i]));
            }
            sb.append('\n');
        }
        System.out.print(sb);
        System.out.println("Calls = INVITEs sent at once to that many sleeping phones; Cnt = samples. p50/p99/max: the phone's own"
                + " clock, from writing the re-REGISTER to reading the INVITE (includes the 200 to the REGISTER)."
                + " sw.*: sipwake's per-call timeline, REGISTER seen -> forwarded (ms resolution)."
                + " The phones, the caller and the APNs double share the machine's CPUs with sipwake.");
    }

    static int freeUdpAndTcpPort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                int p = ss.getLocalPort();
                try (DatagramSocket ds = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p))) {
                    return p;
                } catch (SocketException busy) {
                    // try another
                }
            }
        }
        throw new IOException("no free port for both UDP and TCP");
    }

    public static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(null, r, name + "-" + n.incrementAndGet(), 256 * 1024);
            t.setDaemon(true);
            return t;
        };
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }
}

package io.sipwake.bench.compare;

import io.sipwake.bench.wake.InviteCaller;
import io.sipwake.bench.wake.WakePathBenchmark;
import io.sipwake.push.apns.testing.MockApns;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Row 4, the wake path, measured the same way for both: K phones (raw TCP clients) register with RFC 8599 push
 * parameters and close their connection (asleep); a caller sends K INVITEs at once; each phone is woken, reconnects
 * and re-REGISTERs, and measures on its own clock the time from writing the re-REGISTER to having read the whole
 * INVITE (that includes the proxy's 200 to the REGISTER, which comes first on the same connection, and two loopback
 * hops). It answers 486 so that every call ends.
 *
 * <p>What wakes the phone differs, and is outside the measured interval: sipwake pushes through an APNs double
 * (Pushy's MockApnsServer, HTTP/2 + TLS, in this JVM) and the phone wakes when its push arrives; Kamailio stores the
 * INVITE with tsilo's {@code ts_store} and answers "100 Stored" (it sends no push itself), and the phone wakes when
 * the caller gets that 100. Kamailio then forwards with {@code ts_append} once the re-REGISTER is saved.
 */
final class WakeBench {
    static final String TEAM = "ABCD1234";
    static final String KEY_ID = "KEY1234567";
    static final String BUNDLE = "org.example.phone";

    private final Harness h;
    private final Table table;

    WakeBench(Harness h, Table table) {
        this.h = h;
        this.table = table;
    }

    /** Declares the rows of section 4 (p50, p99 and max per level of calls held at once); the returned body measures them. */
    SideBySide.Body declare() {
        int[] levels = h.smoke() ? new int[] {1, 5} : new int[] {1, 100, 1000};
        int singleRounds = h.smoke() ? 3 : 30;
        int[] percentiles = {50, 99, 100};
        Map<Integer, List<Table.Row>> rows = new java.util.LinkedHashMap<>();
        List<Table.Row> all = new ArrayList<>();
        for (int level : levels) {
            List<Table.Row> levelRows = new ArrayList<>();
            for (int p : percentiles) {
                levelRows.add(table.add("4", "wake: re-REGISTER -> INVITE, " + level + " held at once, " + (p == 100 ? "max" : "p" + p), "ms",
                        false, p == 50 && level == 1 ? singleRounds + " rounds of 1 call" : ""));
            }
            rows.put(level, levelRows);
            all.addAll(levelRows);
        }
        SideBySide side = new SideBySide(h, table);
        return () -> {
            side.measure(Table.Side.SIPWAKE, "sipwake wake path", all, () -> {
                try (MockApns apns = MockApns.start(h.workDir("apns"), TEAM, KEY_ID, Set.of(BUNDLE));
                        SipwakeNode s = SipwakeNode.start(h, "sipwake-wake", "memory", pushYaml(apns), jfr(h))) {
                    Rounds rounds = new Rounds(s.port(), true);
                    apns.onReceived(r -> rounds.wakeByToken(r.token()));
                    rounds.beforeRegister = p -> apns.allow(BUNDLE + ".voip", p.token);
                    record(rows, Table.Side.SIPWAKE, percentiles, rounds.levels("sipwake", levels, singleRounds));
                }
            });
            side.measure(Table.Side.KAMAILIO, "Kamailio wake path", all, () -> {
                try (KamailioNode k = KamailioNode.start(h, "kamailio-wake", List.of("WITH_TSILO"))) {
                    Rounds rounds = new Rounds(k.port(), false);
                    record(rows, Table.Side.KAMAILIO, percentiles, rounds.levels("Kamailio", levels, singleRounds));
                }
            });
        };
    }

    private static void record(Map<Integer, List<Table.Row>> rows, Table.Side side, int[] percentiles, Map<Integer, List<Long>> nanos) {
        rows.forEach((level, levelRows) -> {
            List<Long> sample = nanos.get(level);
            for (int i = 0; i < percentiles.length; i++) levelRows.get(i).set(side, SideBySide.percentileMillis(sample, percentiles[i]));
            levelRows.get(0).annotate(side.label + ": " + sample.size() + " samples");
        });
    }

    static Path jfr(Harness h) {
        return h.profileDir() == null ? null : h.profileDir().resolve("sipwake-wake.jfr");
    }

    static String pushYaml(MockApns apns) {
        var team = apns.team();
        var endpoint = apns.endpoint();
        String ep = "{host: " + endpoint.host() + ", port: " + endpoint.port() + ", trust: " + endpoint.trustedServerCertificate() + "}";
        return "push:\n"
                + "  call-timeout: 30s\n"
                + "  apns:\n"
                + "    teams:\n"
                + "      - {team-id: " + team.teamId() + ", key-id: " + team.keyId() + ", signing-key: " + team.signingKeyFile()
                + ", bundle-ids: [" + BUNDLE + "]}\n"
                + "    production-endpoint: " + ep + "\n"
                + "    sandbox-endpoint: " + ep + "\n";
    }

    /** Rounds of K sleeping phones and K calls against one proxy. */
    final class Rounds {
        private final int port;
        private final boolean pushWakes;
        private final Map<String, Phone> byToken = new ConcurrentHashMap<>();
        private final Map<String, Phone> byCallId = new ConcurrentHashMap<>();
        private final ExecutorService wakers = Executors.newCachedThreadPool(WakePathBenchmark.daemon("phone"));
        Consumer<Phone> beforeRegister = p -> { };

        Rounds(int port, boolean pushWakes) {
            this.port = port;
            this.pushWakes = pushWakes;
        }

        void wakeByToken(String token) {
            Phone p = byToken.get(token);
            if (p != null && p.armed.compareAndSet(true, false)) wakers.execute(p::wake);
        }

        void wakeByCallId(String callId) {
            Phone p = byCallId.get(callId);
            if (p != null && p.armed.compareAndSet(true, false)) wakers.execute(p::wake);
        }

        Map<Integer, List<Long>> levels(String who, int[] levels, int singleRounds) throws Exception {
            try {
                round(who + "-warm", h.smoke() ? 2 : 100);
                Map<Integer, List<Long>> out = new ConcurrentHashMap<>();
                for (int k : levels) {
                    List<Long> nanos = new ArrayList<>();
                    for (int r = 0; r < (k == 1 ? singleRounds : 1); r++) nanos.addAll(round(who + "-k" + k + "r" + r, k));
                    Collections.sort(nanos);
                    out.put(k, nanos);
                    h.log("%s wake path, %d held at once: %d samples, p50 %.3f ms", who, k, nanos.size(), SideBySide.percentileMillis(nanos, 50));
                }
                return out;
            } finally {
                wakers.shutdownNow();
            }
        }

        /** K fresh phones register and sleep, K calls arrive at once, every phone is woken; returns each phone's time. */
        List<Long> round(String name, int k) throws Exception {
            h.checkTime();
            List<Phone> phones = new ArrayList<>();
            for (int i = 0; i < k; i++) phones.add(new Phone(name.replace("-", "") + "u" + i));
            ExecutorService registering = Executors.newFixedThreadPool(8, WakePathBenchmark.daemon("register"));
            try {
                for (var f : registering.invokeAll(phones.stream().map(p -> (java.util.concurrent.Callable<Void>) () -> {
                    beforeRegister.accept(p);
                    byToken.put(p.token, p);
                    byCallId.put(p.callId, p);
                    p.registerAndSleep();
                    return null;
                }).toList(), 120, TimeUnit.SECONDS)) {
                    f.get();
                }
            } finally {
                registering.shutdownNow();
            }
            h.pause(500); // the proxy has seen every connection close: the phones are asleep
            for (Phone p : phones) p.armed.set(true);
            try (InviteCaller caller = new InviteCaller(port, SideBySide.DOMAIN, pushWakes ? null : this::wakeByCallId)) {
                for (Phone p : phones) caller.invite(p.user, p.callId);
                caller.awaitAll(phones.stream().map(p -> p.callId).toList(), 30 + k / 20);
            }
            List<Long> nanos = new ArrayList<>();
            for (Phone p : phones) {
                if (!p.done.await(5, TimeUnit.SECONDS)) throw new IllegalStateException(p.user + " never got its INVITE");
                if (p.failure != null) throw new IllegalStateException(p.user + ": " + p.failure, p.failure);
                nanos.add(p.nanos);
                byToken.remove(p.token);
                byCallId.remove(p.callId);
            }
            return nanos;
        }

        /** A phone: a TCP client that registers with RFC 8599 parameters, sleeps, and wakes when told. */
        final class Phone {
            final String user;
            final String token = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
            final String callId = "wake-" + UUID.randomUUID();
            final AtomicBoolean armed = new AtomicBoolean();
            final CountDownLatch done = new CountDownLatch(1);
            volatile long nanos = -1;
            volatile Throwable failure;
            private int cseq;

            Phone(String user) {
                this.user = user;
            }

            private String register(int localPort) {
                return "REGISTER sip:127.0.0.1:" + port + " SIP/2.0\r\n"
                        + "Via: SIP/2.0/TCP 127.0.0.1:" + localPort + ";branch=z9hG4bK" + UUID.randomUUID() + ";rport\r\n"
                        + "Max-Forwards: 70\r\n"
                        + "From: <sip:" + user + "@" + SideBySide.DOMAIN + ">;tag=" + user + "\r\n"
                        + "To: <sip:" + user + "@" + SideBySide.DOMAIN + ">\r\n"
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
                    String resp = new WakePathBenchmark.SipReader(s.getInputStream()).next();
                    if (!resp.startsWith("SIP/2.0 200")) throw new IOException(user + ": REGISTER answered " + WakePathBenchmark.firstLine(resp));
                }
            }

            /** Woken: re-REGISTER on a new connection, time until the INVITE is read, answer 486. */
            void wake() {
                try (Socket s = connect()) {
                    OutputStream out = s.getOutputStream();
                    WakePathBenchmark.SipReader in = new WakePathBenchmark.SipReader(s.getInputStream());
                    byte[] reg = register(s.getLocalPort()).getBytes(StandardCharsets.US_ASCII);
                    long t0 = System.nanoTime();
                    out.write(reg);
                    out.flush();
                    String invite = null;
                    boolean registered = false;
                    while (invite == null) {
                        String m = in.next();
                        if (m.startsWith("SIP/2.0 ")) {
                            if (!m.startsWith("SIP/2.0 200")) throw new IOException("re-REGISTER answered " + WakePathBenchmark.firstLine(m));
                            registered = true;
                        } else if (m.startsWith("INVITE ")) {
                            invite = m;
                        }
                    }
                    nanos = System.nanoTime() - t0;
                    if (!registered) throw new IOException("INVITE before the 200 to the re-REGISTER");
                    out.write(WakePathBenchmark.busy(invite).getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.setSoTimeout(2_000);
                    try {
                        while (!in.next().startsWith("ACK ")) {
                            // the proxy ACKs the 486 hop by hop: keep the connection until it has
                        }
                    } catch (IOException e) {
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
    }

}

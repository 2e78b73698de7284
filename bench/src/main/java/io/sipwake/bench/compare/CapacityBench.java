package io.sipwake.bench.compare;

import io.sipwake.push.apns.testing.MockApns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Row 5, capacity: memory per binding (bindings loaded from a generated database; sipwake: Java heap after a full GC,
 * Kamailio: shared memory in use, each minus the same server with an empty database), memory per held call (phones
 * asleep, INVITEs held until they wake; minus the same server before the calls), and the start-up time with 1M
 * bindings in SQLite (process start to the first 200 to OPTIONS; both load every binding before they answer).
 */
final class CapacityBench {
    private final Harness h;
    private final Table table;

    CapacityBench(Harness h, Table table) {
        this.h = h;
        this.table = table;
    }

    void run() throws Exception {
        int bindings = h.smoke() ? 2_000 : 100_000;
        int held = h.smoke() ? 20 : 10_000;
        int startup = h.smoke() ? 10_000 : 1_000_000;
        bindingMemory(bindings);
        heldCallMemory(held);
        startup(startup);
    }

    private void bindingMemory(int n) {
        double sipwake;
        Databases.sipwake(h, "sipwake-cap-empty", 0, Databases::plainContact);
        Databases.sipwake(h, "sipwake-cap-bindings", n, Databases::plainContact);
        try (SipwakeNode empty = SipwakeNode.start(h, "sipwake-cap-empty", "sqlite", "", null)) {
            long base = empty.heapUsedAfterGc(h);
            empty.close();
            try (SipwakeNode full = SipwakeNode.start(h, "sipwake-cap-bindings", "sqlite", "", null)) {
                sipwake = (full.heapUsedAfterGc(h) - base) / (double) n;
            }
        }
        double kamailio;
        Path emptyDb = Databases.kamailio(h, "kamailio-cap-empty");
        Path fullDb = Databases.kamailio(h, "kamailio-cap-bindings", n);
        try (KamailioNode empty = KamailioNode.start(h, "kamailio-cap-empty", Udp.freePort(), 1024, db(emptyDb))) {
            long base = empty.sharedMemoryUsed(h);
            empty.close();
            try (KamailioNode full = KamailioNode.start(h, "kamailio-cap-bindings", Udp.freePort(), 1024, db(fullDb))) {
                kamailio = (full.sharedMemoryUsed(h) - base) / (double) n;
            }
        }
        h.log("memory per binding: sipwake %.0f B (heap), Kamailio %.0f B (shm)", sipwake, kamailio);
        table.add("5a", "memory per binding (" + String.format("%,d", n) + " loaded)", "bytes", false, sipwake, kamailio,
                "sipwake: Java heap after full GC; Kamailio: shared memory; each minus an empty store");
    }

    private void heldCallMemory(int n) throws Exception {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < n; i++) tokens.add((UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", ""));
        double sipwake;
        try (MockApns apns = MockApns.start(h.workDir("apns-held"), WakeBench.TEAM, WakeBench.KEY_ID, Set.of(WakeBench.BUNDLE))) {
            tokens.forEach(t -> apns.allow(WakeBench.BUNDLE + ".voip", t));
            Databases.sipwake(h, "sipwake-cap-held", n, i -> "sip:u" + i + "@127.0.0.1:" + (10_000 + i % 50_000)
                    + ";transport=tcp;pn-provider=apns;pn-param=" + WakeBench.TEAM + "." + WakeBench.BUNDLE + ".voip;pn-prid=" + tokens.get(i));
            String yaml = WakeBench.pushYaml(apns).replace("call-timeout: 30s", "call-timeout: 300s");
            try (SipwakeNode s = SipwakeNode.start(h, "sipwake-cap-held", "sqlite", yaml, null)) {
                long base = s.heapUsedAfterGc(h);
                hold(s.port(), n);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (apns.received().size() < n && System.nanoTime() < deadline) h.pause(50);
                if (apns.received().size() < n) throw new IllegalStateException("only " + apns.received().size() + " of " + n + " pushes sent");
                h.pause(1_000);
                sipwake = (s.heapUsedAfterGc(h) - base) / (double) n;
            }
        }
        double kamailio;
        try (KamailioNode k = KamailioNode.start(h, "kamailio-cap-held", List.of("WITH_TSILO"))) {
            long base = k.sharedMemoryUsed(h);
            hold(k.port(), n);
            h.pause(1_000);
            kamailio = (k.sharedMemoryUsed(h) - base) / (double) n;
        }
        h.log("memory per held call: sipwake %.0f B (heap), Kamailio %.0f B (shm)", sipwake, kamailio);
        table.add("5b", "memory per held call (" + String.format("%,d", n) + " held)", "bytes", false, sipwake, kamailio,
                "sipwake: INVITE held, push sent; Kamailio: tsilo ts_store");
    }

    /** Sends n INVITEs to sleeping u0..u(n-1), paced, and waits (bounded) until each has its 100. */
    private void hold(int port, int n) throws Exception {
        try (WakeBench.Caller caller = new WakeBench.Caller(port, null)) {
            List<String[]> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String[] call = {"u" + i, "held-" + i + "-" + UUID.randomUUID()};
                calls.add(call);
                caller.invite(call[0], call[1]);
                if (i % 200 == 199) h.pause(100); // 2,000 INVITEs/s: no burst drops on the UDP socket
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (caller.trying() < n) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("only " + caller.trying() + " of " + n + " INVITEs answered");
                h.pause(1_000);
                for (String[] c : calls) if (!caller.isAnswered(c[1])) caller.invite(c[0], c[1]);
            }
        }
    }

    private void startup(int n) {
        Databases.sipwake(h, "sipwake-cap-startup", n, Databases::plainContact);
        double sipwake;
        try (SipwakeNode s = SipwakeNode.start(h, "sipwake-cap-startup", "sqlite", "", null)) {
            sipwake = s.startMillis() / 1000.0;
        }
        Path db = Databases.kamailio(h, "kamailio-cap-startup", n);
        double kamailio;
        try (KamailioNode k = KamailioNode.start(h, "kamailio-cap-startup", Udp.freePort(), h.smoke() ? 1024 : 4096, db(db))) {
            kamailio = k.startMillis() / 1000.0;
        }
        h.log("start-up with %d bindings: sipwake %.1f s, Kamailio %.1f s", n, sipwake, kamailio);
        table.add("5c", "start-up with " + String.format("%,d", n) + " bindings in SQLite", "s", false, sipwake, kamailio,
                "process start to first 200 to OPTIONS, every binding loaded");
    }

    private static List<String> db(Path file) {
        return List.of("WITH_DB", "DB_URL=\"sqlite://" + file + "\"");
    }
}

package io.sipwake.bench.compare;

import io.sipwake.bench.wake.InviteCaller;
import io.sipwake.push.apns.testing.MockApns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Row 5, capacity: memory per binding (bindings loaded from a generated database; sipwake: Java heap after a full GC,
 * Kamailio: shared memory taken, each minus the same server with an empty database), memory per held call (phones
 * asleep, INVITEs held until they wake; minus the same server before the calls), and the start-up time with 1M
 * bindings in SQLite (process start until it answers OPTIONS with every binding in memory). Every figure with
 * bindings is taken only once the server itself reports that it holds all of them (sipwake's start-up count,
 * Kamailio's usrloc contact statistic); otherwise the row fails with the count it reached.
 */
final class CapacityBench {
    private final Harness h;
    private final Table table;

    CapacityBench(Harness h, Table table) {
        this.h = h;
        this.table = table;
    }

    /** Declares rows 5a, 5b and 5c; the returned body measures them, each server on its own. */
    SideBySide.Body declare() {
        int bindings = h.smoke() ? 2_000 : 100_000;
        int held = h.smoke() ? 20 : 10_000;
        int startup = h.smoke() ? 10_000 : 1_000_000;
        Table.Row perBinding = table.add("5a", "memory per binding (" + String.format("%,d", bindings) + " loaded)", "bytes", false,
                "sipwake: Java heap after full GC; Kamailio: shm real_used; each minus an empty store; all bindings loaded");
        Table.Row perHeldCall = table.add("5b", "memory per held call (" + String.format("%,d", held) + " held)", "bytes", false,
                "sipwake: INVITE held, push sent; Kamailio: tsilo ts_store");
        Table.Row startupTime = table.add("5c", "start-up with " + String.format("%,d", startup) + " bindings in SQLite", "s", false,
                "process start to OPTIONS answered and every binding in memory");
        SideBySide side = new SideBySide(h, table);
        return () -> {
            side.measure(Table.Side.SIPWAKE, "sipwake memory per binding", List.of(perBinding), () -> sipwakeBindingMemory(perBinding, bindings));
            side.measure(Table.Side.KAMAILIO, "Kamailio memory per binding", List.of(perBinding), () -> kamailioBindingMemory(perBinding, bindings));
            side.measure(Table.Side.SIPWAKE, "sipwake memory per held call", List.of(perHeldCall), () -> sipwakeHeldCallMemory(perHeldCall, held));
            side.measure(Table.Side.KAMAILIO, "Kamailio memory per held call", List.of(perHeldCall), () -> kamailioHeldCallMemory(perHeldCall, held));
            side.measure(Table.Side.SIPWAKE, "sipwake start-up", List.of(startupTime), () -> {
                Databases.sipwake(h, "sipwake-cap-startup", startup, Databases::plainContact);
                try (SipwakeNode s = SipwakeNode.start(h, "sipwake-cap-startup", "sqlite", "", null)) {
                    s.requireLoaded(h, startup); // loaded before the listeners are bound: the first 200 comes after
                    startupTime.set(Table.Side.SIPWAKE, s.startMillis() / 1000.0);
                    h.log("sipwake start-up with %d bindings: %.1f s", startup, s.startMillis() / 1000.0);
                }
            });
            side.measure(Table.Side.KAMAILIO, "Kamailio start-up", List.of(startupTime), () -> {
                Path db = Databases.kamailio(h, "kamailio-cap-startup", startup);
                try (KamailioNode k = KamailioNode.start(h, "kamailio-cap-startup", Udp.freePort(), h.smoke() ? 1024 : 4096, db(db))) {
                    long loadedMillis = k.awaitContacts(h, startup, 300_000);
                    startupTime.set(Table.Side.KAMAILIO, loadedMillis / 1000.0);
                    h.log("Kamailio start-up with %d bindings: %.1f s (first 200 to OPTIONS after %.1f s)", startup,
                            loadedMillis / 1000.0, k.startMillis() / 1000.0);
                }
            });
        };
    }

    private void sipwakeBindingMemory(Table.Row row, int n) {
        Databases.sipwake(h, "sipwake-cap-empty", 0, Databases::plainContact);
        Databases.sipwake(h, "sipwake-cap-bindings", n, Databases::plainContact);
        long base;
        try (SipwakeNode empty = SipwakeNode.start(h, "sipwake-cap-empty", "sqlite", "", null)) {
            empty.requireLoaded(h, 0);
            base = empty.heapUsedAfterGc(h);
        }
        try (SipwakeNode full = SipwakeNode.start(h, "sipwake-cap-bindings", "sqlite", "", null)) {
            full.requireLoaded(h, n);
            double perBinding = (full.heapUsedAfterGc(h) - base) / (double) n;
            row.set(Table.Side.SIPWAKE, perBinding);
            h.log("memory per binding: sipwake %.0f B (heap)", perBinding);
        }
    }

    private void kamailioBindingMemory(Table.Row row, int n) {
        Path emptyDb = Databases.kamailio(h, "kamailio-cap-empty");
        Path fullDb = Databases.kamailio(h, "kamailio-cap-bindings", n);
        long base;
        try (KamailioNode empty = KamailioNode.start(h, "kamailio-cap-empty", Udp.freePort(), 1024, db(emptyDb))) {
            empty.awaitContacts(h, 0, 60_000);
            base = empty.sharedMemoryUsed(h);
        }
        try (KamailioNode full = KamailioNode.start(h, "kamailio-cap-bindings", Udp.freePort(), 1024, db(fullDb))) {
            full.awaitContacts(h, n, 180_000);
            double perBinding = (full.sharedMemoryUsed(h) - base) / (double) n;
            row.set(Table.Side.KAMAILIO, perBinding);
            h.log("memory per binding: Kamailio %.0f B (shm)", perBinding);
        }
    }

    private void sipwakeHeldCallMemory(Table.Row row, int n) throws Exception {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < n; i++) tokens.add((UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", ""));
        try (MockApns apns = MockApns.start(h.workDir("apns-held"), WakeBench.TEAM, WakeBench.KEY_ID, Set.of(WakeBench.BUNDLE))) {
            tokens.forEach(t -> apns.allow(WakeBench.BUNDLE + ".voip", t));
            Databases.sipwake(h, "sipwake-cap-held", n, i -> "sip:u" + i + "@127.0.0.1:" + (10_000 + i % 50_000)
                    + ";transport=tcp;pn-provider=apns;pn-param=" + WakeBench.TEAM + "." + WakeBench.BUNDLE + ".voip;pn-prid=" + tokens.get(i));
            String yaml = WakeBench.pushYaml(apns).replace("call-timeout: 30s", "call-timeout: 300s");
            try (SipwakeNode s = SipwakeNode.start(h, "sipwake-cap-held", "sqlite", yaml, null)) {
                s.requireLoaded(h, n);
                long base = s.heapUsedAfterGc(h);
                hold(s.port(), n);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (apns.received().size() < n && System.nanoTime() < deadline) h.pause(50);
                if (apns.received().size() < n) throw new IllegalStateException("only " + apns.received().size() + " of " + n + " pushes sent");
                h.pause(1_000);
                double perCall = (s.heapUsedAfterGc(h) - base) / (double) n;
                row.set(Table.Side.SIPWAKE, perCall);
                h.log("memory per held call: sipwake %.0f B (heap)", perCall);
            }
        }
    }

    private void kamailioHeldCallMemory(Table.Row row, int n) throws Exception {
        try (KamailioNode k = KamailioNode.start(h, "kamailio-cap-held", List.of("WITH_TSILO"))) {
            long base = k.sharedMemoryUsed(h);
            hold(k.port(), n);
            h.pause(1_000);
            double perCall = (k.sharedMemoryUsed(h) - base) / (double) n;
            row.set(Table.Side.KAMAILIO, perCall);
            h.log("memory per held call: Kamailio %.0f B (shm)", perCall);
        }
    }

    /** Sends n INVITEs to sleeping u0..u(n-1), paced, and waits (bounded) until each has its 100. */
    private void hold(int port, int n) throws Exception {
        try (InviteCaller caller = new InviteCaller(port, SideBySide.DOMAIN, null)) {
            List<String[]> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String[] call = {"u" + i, "held-" + i + "-" + UUID.randomUUID()};
                calls.add(call);
                caller.invite(call[0], call[1]);
                if (i % 200 == 199) h.pause(100); // 2,000 INVITEs/s: no burst drops on the UDP socket
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (caller.answeredCount() < n) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("only " + caller.answeredCount() + " of " + n + " INVITEs answered");
                h.pause(1_000);
                for (String[] c : calls) if (!caller.isAnswered(c[1])) caller.invite(c[0], c[1]);
            }
        }
    }

    /**
     * usrloc from SQLite, its hash table sized for 100k-1M bindings as an operator would (2^16 slots; the default 2^10
     * makes each lookup walk a slot of about 1,000 AORs at 1M, and the 1M load takes three times as long).
     */
    private static List<String> db(Path file) {
        return List.of("WITH_DB", "DB_URL=\"sqlite://" + file + "\"", "USRLOC_HASH_SIZE=16");
    }
}

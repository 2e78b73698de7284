package io.sipwake.server.demo;

import io.sipwake.proxy.push.PushTraces;
import io.sipwake.push.Tokens;
import io.sipwake.push.apns.testing.MockApns;
import io.sipwake.push.fcm.testing.FakeFcmServer;
import io.sipwake.push.fcm.testing.TestServiceAccount;
import io.sipwake.server.SipwakeServer;
import io.sipwake.server.config.ConfigException;
import io.sipwake.server.config.ConfigLoader;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.transport.Flow;
import io.sipwake.sip.transport.Transport;
import io.sipwake.store.Binding;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * {@code sipwake demo}: RFC 8599 push wake-up from end to end on loopback, with no account anywhere. It starts
 * sipwake standalone (free ports, bindings in memory, a temporary directory) with an in-process APNs double
 * (Pushy's MockApnsServer: TLS, HTTP/2, JWT checked) and FCM double (OAuth2 service-account flow and
 * {@code messages:send}), registers a simulated iPhone (APNs) and Android phone (FCM) with push parameters, lets
 * them sleep, calls each, and prints what happened when: the caller's and the phone's view, and sipwake's own
 * trace of the held INVITE (received, push sent, provider's answer, REGISTER seen, forwarded).
 *
 * <p>Everything it started is stopped and its directory removed when {@link #run} returns, successful or not.
 */
public final class Demo {
    static final String TEAM = "DEMOTEAM01";
    static final String KEY_ID = "DEMOKEY001";
    static final String BUNDLE = "io.sipwake.demo";
    static final String FCM_PROJECT = "sipwake-demo";
    static final String FCM_SENDER_ID = "100000000001";
    /** Short, so that a phone that does not wake fails the demo in seconds, not half a minute. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final PrintWriter out;

    private Demo(PrintWriter out) {
        this.out = out;
    }

    /** Runs the demo, printing as it goes; returns normally when both calls were woken and answered. */
    public static void run(PrintWriter out) throws DemoFailure {
        Path dir;
        try {
            dir = Files.createTempDirectory("sipwake-demo-");
        } catch (IOException e) {
            throw new DemoFailure("cannot create a temporary directory: " + e.getMessage(), e);
        }
        try {
            new Demo(out).run(dir);
        } finally {
            deleteTree(dir);
            out.flush();
        }
    }

    private void run(Path dir) throws DemoFailure {
        try (MockApns apns = startApns(dir); FakeFcmServer fcm = startFcm()) {
            TestServiceAccount account = fcm.createServiceAccount(dir.resolve("fcm"), FCM_PROJECT);
            String alicePassword = randomHex(12);
            String bobPassword = randomHex(12);
            Path config = writeConfig(dir, apns, fcm, account, alicePassword, bobPassword);
            try (SipwakeServer server = start(config)) {
                InetSocketAddress sip = new InetSocketAddress("127.0.0.1", server.port(Transport.TCP));
                out.println("sipwake demo: RFC 8599 push wake-up end to end on this machine; no account, nothing leaves 127.0.0.1.");
                out.println("  sipwake      SIP on tcp " + sip.getHostString() + ":" + sip.getPort()
                        + ", standalone registrar for alice and bob, bindings in memory");
                out.println("  APNs double  Pushy MockApnsServer on https://localhost:" + apns.port()
                        + " (HTTP/2, checks the JWT signed with team " + TEAM + "'s key " + KEY_ID + ")");
                out.println("  FCM double   FCM HTTP v1 and Google's OAuth2 token endpoint on " + fcm.baseUri()
                        + " (project " + FCM_PROJECT + ")");
                out.println();
                String iphoneToken = randomHex(32);
                apns.allow(BUNDLE + ".voip", iphoneToken);
                String androidToken = randomBase64Url(16) + ":APA91b" + randomBase64Url(96);
                try (DemoPhone iphone = new DemoPhone("iPhone", "alice", alicePassword,
                        ";pn-provider=apns;pn-param=" + TEAM + "." + BUNDLE + ".voip;pn-prid=" + iphoneToken, iphoneToken, sip);
                     DemoPhone android = new DemoPhone("Android", "bob", bobPassword,
                             ";pn-provider=fcm;pn-param=" + FCM_SENDER_ID + ";pn-prid=" + androidToken, androidToken, sip);
                     DemoCaller caller = new DemoCaller(sip, CALL_TIMEOUT.plusSeconds(5))) {
                    apns.onReceived(r -> {
                        if (r.token().equals(iphone.token())) {
                            iphone.pushReceived("push received from APNs (" + r.header("apns-push-type") + ", topic " + r.header("apns-topic") + ")");
                        }
                    });
                    fcm.onMessage(m -> {
                        if (m.token().equals(android.token())) {
                            android.pushReceived("push received from FCM (data message, priority " + m.priority() + ", type " + m.data().get("type") + ")");
                        }
                    });
                    registerAndSleep(server, iphone, "APNs");
                    registerAndSleep(server, android, "FCM");
                    List<String> summary = new ArrayList<>();
                    summary.add(call(server, caller, iphone, 1, "apns", "APNs"));
                    summary.add(call(server, caller, android, 2, "fcm", "FCM"));
                    out.println("Both sleeping phones were woken by a push, registered again and answered:");
                    for (String line : summary) out.println("  " + line);
                    out.println();
                    out.println("Next: run sipwake in front of your PBX with your own APNs and FCM credentials (README, \"A real deployment\").");
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new DemoFailure("the APNs double did not stop: " + e, e);
        }
    }

    private static MockApns startApns(Path dir) throws DemoFailure {
        try {
            return MockApns.start(dir.resolve("apns"), TEAM, KEY_ID, Set.of(BUNDLE));
        } catch (Exception e) {
            throw new DemoFailure("cannot start the APNs double: " + e, e);
        }
    }

    private static FakeFcmServer startFcm() throws DemoFailure {
        try {
            return FakeFcmServer.start();
        } catch (IOException e) {
            throw new DemoFailure("cannot start the FCM double: " + e.getMessage(), e);
        }
    }

    /** The configuration a real deployment would write, pointed at the doubles; it goes through the same validation. */
    private static Path writeConfig(Path dir, MockApns apns, FakeFcmServer fcm, TestServiceAccount account, String alicePassword,
            String bobPassword) throws DemoFailure {
        var team = apns.team();
        var endpoint = apns.endpoint();
        String ep = "{host: " + endpoint.host() + ", port: " + endpoint.port() + ", trust: \"" + endpoint.trustedServerCertificate() + "\"}";
        String yaml = "sip:\n"
                + "  address: 127.0.0.1\n"
                + "  resolve-names: false\n"
                + "  listen:\n"
                + "    - {transport: tcp, port: 0}\n"
                + "registrar:\n"
                + "  users:\n"
                + "    - {username: alice, password: " + alicePassword + "}\n"
                + "    - {username: bob, password: " + bobPassword + "}\n"
                + "push:\n"
                + "  call-timeout: " + CALL_TIMEOUT.toSeconds() + "s\n"
                + "  apns:\n"
                + "    teams:\n"
                + "      - {team-id: " + team.teamId() + ", key-id: " + team.keyId() + ", signing-key: \"" + team.signingKeyFile()
                + "\", bundle-ids: [" + BUNDLE + "]}\n"
                + "    production-endpoint: " + ep + "\n"
                + "    sandbox-endpoint: " + ep + "\n"
                + "  fcm:\n"
                + "    api-url: " + fcm.baseUri() + "\n"
                + "    projects:\n"
                + "      - {project-id: " + FCM_PROJECT + ", service-account: \"" + account.jsonFile() + "\", sender-ids: [\""
                + FCM_SENDER_ID + "\"]}\n"
                + "store:\n"
                + "  type: memory\n";
        Path file = dir.resolve("sipwake.yaml");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new DemoFailure("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    private static SipwakeServer start(Path config) throws DemoFailure {
        try {
            return SipwakeServer.start(ConfigLoader.load(config, java.util.Map.of())); // self-contained: no SIPWAKE_* overrides
        } catch (ConfigException e) {
            throw new DemoFailure("the demo's own configuration was refused (a bug): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new DemoFailure("sipwake could not start: " + e.getMessage(), e);
        }
    }

    private void registerAndSleep(SipwakeServer server, DemoPhone phone, String provider) throws DemoFailure {
        SipResponse ok = phone.registerAndSleep();
        String pn = pushParameters(server, phone);
        out.println(String.format(Locale.ROOT, "%-8s %s registered over TCP with %s", phone.name(), phone.aor(), pn));
        out.println(String.format(Locale.ROOT, "%-8s sipwake answered %d %s, Feature-Caps: %s", "", ok.status(), ok.reason(),
                ok.header("Feature-Caps")));
        awaitAsleep(server, phone);
        out.println(String.format(Locale.ROOT, "%-8s asleep: its app is suspended and its connection closed; only a push from %s can wake it", "",
                provider));
        out.println();
    }

    /** The push parameters sipwake stored for the phone, token redacted as in sipwake's logs. */
    private static String pushParameters(SipwakeServer server, DemoPhone phone) throws DemoFailure {
        for (Binding b : server.locations().lookup(phone.aor())) {
            var p = io.sipwake.proxy.registrar.Registrar.pushParameters(b);
            if (p != null) {
                return "pn-provider=" + p.provider() + " pn-param=" + p.param() + " pn-prid="
                        + Tokens.redact(p.tokens().get(0).token());
            }
        }
        throw new DemoFailure(phone.name() + " registered, but sipwake stored no push parameters for " + phone.aor());
    }

    /** Waits (bounded) until sipwake has seen the phone's connection close: from now on only a push reaches it. */
    private static void awaitAsleep(SipwakeServer server, DemoPhone phone) throws DemoFailure {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            List<Binding> bindings = server.locations().lookup(phone.aor());
            if (!bindings.isEmpty() && bindings.stream().noneMatch(b -> b.flow() != null && server.transport().isOpen(Flow.parseToken(b.flow())))) {
                return;
            }
            sleep(5);
        }
        throw new DemoFailure("sipwake did not notice within 10 s that " + phone.name() + " closed its connection");
    }

    /** One call to a sleeping phone; prints its timeline and returns a one-line summary. */
    private String call(SipwakeServer server, DemoCaller caller, DemoPhone phone, int n, String provider, String providerName)
            throws DemoFailure {
        String callId = "demo-" + n + "-" + UUID.randomUUID();
        out.println("Call " + n + ": the caller calls " + phone.aor() + " (the " + phone.name() + ", asleep)");
        CallTimeline t = new CallTimeline();
        var answered = phone.expectCall(t);
        caller.call(phone, callId, t);
        try {
            answered.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof DemoFailure f ? f : new DemoFailure(phone.name() + " failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new DemoFailure(phone.name() + " did not finish its call within 10 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure("interrupted");
        }
        for (CallTimeline.Event e : t.events()) {
            out.println(String.format(Locale.ROOT, "  %9s  %-8s %s", CallTimeline.millis(e.nanos() / 1e6), e.who(), e.what()));
        }
        PushTraces.Trace trace = awaitTrace(server, callId);
        out.println("  sipwake's trace of this INVITE (`sipwake trace " + callId + "` shows it on a running sipwake):");
        out.println("             " + String.join(", ", trace.timeline()));
        if (!trace.timeline().stream().anyMatch(s -> s.contains("push sent to " + provider))
                || !trace.timeline().stream().anyMatch(s -> s.endsWith("forwarded"))) {
            throw new DemoFailure("sipwake's trace of the call to " + phone.name() + " lacks the push or the forwarded INVITE: " + trace);
        }
        double push = t.millisTo(phone.name(), "push received");
        double woke = t.millisTo(phone.name(), "re-REGISTER answered");
        double invite = t.millisTo(phone.name(), "INVITE received");
        double ok = t.millisTo("caller", "200 OK");
        String summary = String.format(Locale.ROOT, "%-8s (%s): push at the phone after %s, registered again %s later, INVITE there %s after "
                        + "that, the caller had its 200 OK after %s", phone.name(), providerName,
                CallTimeline.millis(push), CallTimeline.millis(woke - push), CallTimeline.millis(invite - woke), CallTimeline.millis(ok));
        out.println("  => " + summary);
        out.println();
        return summary;
    }

    /** sipwake's trace of the held INVITE, once the provider's answer is in it too (it may come after the phone). */
    private static PushTraces.Trace awaitTrace(SipwakeServer server, String callId) throws DemoFailure {
        PushTraces traces = server.pushTraces();
        if (traces == null) throw new DemoFailure("push wake-up is off in sipwake: no trace of " + callId);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<PushTraces.Trace> found = List.of();
        while (System.nanoTime() < deadline) {
            found = traces.find(callId);
            if (!found.isEmpty() && found.get(0).timeline().stream().anyMatch(s -> s.contains("push accepted") || s.contains("push rejected")
                    || s.contains("push failed"))) {
                return found.get(0);
            }
            sleep(5);
        }
        if (found.isEmpty()) throw new DemoFailure("sipwake kept no trace of " + callId + ": the INVITE was never held for a push");
        return found.get(0);
    }

    private static void sleep(long millis) throws DemoFailure {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure("interrupted");
        }
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String randomBase64Url(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException | UncheckedIOException e) {
            System.err.println("sipwake demo: could not remove " + dir + ": " + e.getMessage());
        }
    }
}

package io.sipwake.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.sipwake.push.apns.testing.MockApns;
import io.sipwake.push.fcm.testing.FakeFcmServer;
import io.sipwake.push.fcm.testing.TestServiceAccount;
import io.sipwake.server.cli.SipwakeCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;

/**
 * What the hook-mode tests share: a sipwake with its admin API on (token required) that pushes to APNs
 * ({@link MockApns}), FCM ({@link FakeFcmServer}) and plain HTTP wake-up URLs (a loopback receiver allowed by
 * {@code push.http.allow-hosts}), and the contact strings of each dialect a PBX may hand the hook.
 */
final class HookTestBed implements AutoCloseable {
    static final String ADMIN_TOKEN = "hook-admin-token-0123456789abcdef";
    static final String FCM_PROJECT = "example-phone";
    static final String FCM_SENDER = "929724111839";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The dialects of contact a PBX may know a phone by. */
    enum Dialect {
        RFC8599_APNS, RFC8599_FCM, LINPHONE_LEGACY_PN_TOK, X_PUSH_URI, MOD_APN
    }

    final MockApns apns;
    final FakeFcmServer fcm;
    final Path tokenFile;
    private final HttpServer wakeReceiver;
    private final Map<String, AtomicInteger> wakeUrlHits = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path dir;
    private final AtomicInteger extensions = new AtomicInteger(2000);
    TestServer server;

    HookTestBed(Path dir) throws Exception {
        this.dir = dir;
        apns = MockApns.start(Files.createDirectories(dir.resolve("apns")), PushTestSupport.TEAM, PushTestSupport.KEY_ID,
                Set.of(PushTestSupport.BUNDLE));
        fcm = FakeFcmServer.start();
        TestServiceAccount account = fcm.createServiceAccount(Files.createDirectories(dir.resolve("fcm")), FCM_PROJECT);
        wakeReceiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        wakeReceiver.createContext("/wake/", ex -> {
            ex.getRequestBody().readAllBytes();
            wakeUrlHits.computeIfAbsent(ex.getRequestURI().getPath(), p -> new AtomicInteger()).incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        wakeReceiver.start();
        tokenFile = Files.writeString(dir.resolve("admin-token"), ADMIN_TOKEN + "\n");
        String push = PushTestSupport.pushConfig(apns, "30s")
                + "  fcm:\n    api-url: " + fcm.baseUri() + "\n    projects:\n      - {project-id: " + FCM_PROJECT
                + ", service-account: " + account.jsonFile() + ", sender-ids: [\"" + FCM_SENDER + "\"]}\n"
                + "  http:\n    allow-hosts: [127.0.0.1/32]\n";
        Files.createDirectories(dir.resolve("server"));
        server = TestServer.start(dir.resolve("server"), "    - {transport: ws, port: 0}\n", "", push + "admin:\n  enabled: true\n  port: 0\n  token-file: " + tokenFile + "\n");
    }

    /** A fresh PBX extension's AOR, so that no test sees another's bindings. */
    String newAor() {
        return "sip:" + extensions.incrementAndGet() + "@pbx.example.com";
    }

    String adminUrl() {
        return "http://127.0.0.1:" + server.server().admin().port();
    }

    /** A contact of {@code dialect} as a PBX shows it, for a phone whose token (or wake-up URL path) is {@code token}. */
    String contact(Dialect dialect, String token) {
        return switch (dialect) {
            case RFC8599_APNS -> "<sip:1001@192.0.2.10:5060;transport=tcp;pn-provider=apns;pn-param=" + PushTestSupport.TEAM + "."
                    + PushTestSupport.BUNDLE + ".voip;pn-prid=" + token + ">";
            case RFC8599_FCM -> "<sip:1001@192.0.2.10:5060;pn-provider=fcm;pn-param=" + FCM_SENDER + ";pn-prid=" + token + ">";
            // an addr-spec, as Asterisk's PJSIP_CONTACT(...,uri) prints it; the old recipe grepped pn-tok= out of such a string
            case LINPHONE_LEGACY_PN_TOK -> "sip:1001@192.0.2.10:5060;pn-type=firebase;app-id=" + FCM_SENDER + ";pn-tok=" + token;
            // what the old recipe's regular expression kept of the location
            case X_PUSH_URI -> "X-PUSH-URI=" + wakeUrl(token);
            case MOD_APN -> "<sip:1001@192.0.2.10:5060;app-id=" + PushTestSupport.BUNDLE + ";pn-voip-tok=" + token + ";pn-platform=iOS>";
        };
    }

    /** A new token for {@code dialect}, allowed by its push service. */
    String newToken(Dialect dialect) {
        return switch (dialect) {
            case RFC8599_APNS, MOD_APN -> {
                String t = PushTestSupport.newToken();
                apns.allow(PushTestSupport.BUNDLE + ".voip", t);
                yield t;
            }
            case RFC8599_FCM, LINPHONE_LEGACY_PN_TOK -> "fcm-" + UUID.randomUUID() + ":APA91b" + UUID.randomUUID().toString().replace("-", "");
            case X_PUSH_URI -> "d" + UUID.randomUUID().toString().replace("-", "");
        };
    }

    String wakeUrl(String token) {
        return "http://127.0.0.1:" + wakeReceiver.getAddress().getPort() + "/wake/" + token;
    }

    /** The call pushes {@code token} got from sipwake, whichever service it belongs to. */
    int pushesTo(Dialect dialect, String token) {
        return switch (dialect) {
            case RFC8599_APNS, MOD_APN -> (int) apns.received().stream().filter(r -> r.token().equals(token)).count();
            case RFC8599_FCM, LINPHONE_LEGACY_PN_TOK -> fcm.messagesTo(token).size();
            case X_PUSH_URI -> wakeUrlHits.getOrDefault("/wake/" + token, new AtomicInteger()).get();
        };
    }

    /** The call id the push to {@code token} carried (null for a wake-up URL, whose body is not checked). */
    String pushedCallId(Dialect dialect, String token) {
        return switch (dialect) {
            case RFC8599_APNS, MOD_APN -> apns.received().stream().filter(r -> r.token().equals(token)).findFirst().orElseThrow()
                    .json().path("call-id").asText();
            case RFC8599_FCM, LINPHONE_LEGACY_PN_TOK -> fcm.messagesTo(token).get(0).data().get("call-id");
            case X_PUSH_URI -> null;
        };
    }

    /** {@code POST /api/v1/wake} with this query string and JSON (or form) body, with the admin token unless {@code bearer} says otherwise. */
    HttpResponse<String> post(String query, String body, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(adminUrl() + "/api/v1/wake" + (query == null ? "" : "?" + query)))
                .timeout(Duration.ofSeconds(60))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && body.startsWith("{")) b.header("Content-Type", "application/json");
        else if (body != null) b.header("Content-Type", "application/x-www-form-urlencoded");
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String query, String body) throws Exception {
        return post(query, body, ADMIN_TOKEN);
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    static String json(Map<String, Object> fields) throws Exception {
        return JSON.writeValueAsString(fields);
    }

    record Cli(int exitCode, String out, String err) {}

    /** {@code sipwake <args> --admin <this server> --token-file <its token>}, in-process. */
    Cli cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--admin", adminUrl(), "--token-file", tokenFile.toString()));
        return cliRaw(all.toArray(String[]::new));
    }

    static Cli cliRaw(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new SipwakeCommand());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        int exit = cmd.execute(args);
        return new Cli(exit, out.toString(), err.toString());
    }

    /** Removes the bindings of the users that register through sipwake (alice, bob, carol), so each test starts without them. */
    void forgetRegisteredPhones() {
        for (String user : List.of("alice", "bob", "carol")) {
            server.server().locations().update(PushTestSupport.aor(user), current -> List.of()).join();
        }
    }

    /** Stops sipwake and starts it again on the same ports and database. */
    void restart() {
        server = server.restart();
    }

    @Override
    public void close() throws Exception {
        try {
            if (server != null) server.close();
        } finally {
            wakeReceiver.stop(0);
            fcm.close();
            apns.close();
        }
    }
}

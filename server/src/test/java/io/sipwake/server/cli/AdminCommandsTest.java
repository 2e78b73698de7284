package io.sipwake.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sipwake.push.apns.testing.MockApns;
import io.sipwake.server.TestServer;
import io.sipwake.store.Binding;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code sipwake bindings|calls|trace|push} against a sipwake running in-process with its admin API on (token
 * required) and APNs pushes going to a {@link MockApns}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class AdminCommandsTest {
    private static final String ADMIN_TOKEN = "cli-admin-token-0123456789abcdef";
    private static final String TEAM = "ABCD1234";
    private static final String BUNDLE = "org.example.phone";
    private static final String AOR = "sip:alice@127.0.0.1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private MockApns apns;
    private TestServer server;
    private Path tokenFile;
    private String admin;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        apns = MockApns.start(Files.createDirectories(dir.resolve("apns")), TEAM, "KEY1234567", Set.of(BUNDLE));
        tokenFile = Files.writeString(dir.resolve("admin-token"), ADMIN_TOKEN + "\n");
        var team = apns.team();
        var endpoint = apns.endpoint();
        String ep = "{host: " + endpoint.host() + ", port: " + endpoint.port() + ", trust: " + endpoint.trustedServerCertificate() + "}";
        String push = "push:\n"
                + "  call-timeout: 2s\n"
                + "  min-expires: 121\n"
                + "  apns:\n"
                + "    teams:\n"
                + "      - {team-id: " + team.teamId() + ", key-id: " + team.keyId() + ", signing-key: " + team.signingKeyFile()
                + ", bundle-ids: [" + BUNDLE + "]}\n"
                + "    production-endpoint: " + ep + "\n"
                + "    sandbox-endpoint: " + ep + "\n";
        Files.createDirectories(dir.resolve("server"));
        server = TestServer.start(dir.resolve("server"), "", "", push
                + "admin:\n  enabled: true\n  port: 0\n  token-file: " + tokenFile + "\n");
        admin = "http://127.0.0.1:" + server.server().admin().port();
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) server.close();
        if (apns != null) apns.close();
    }

    @AfterEach
    void forgetBindings() {
        server.server().locations().update(AOR, current -> List.of()).join();
    }

    private record Result(int exitCode, String out, String err) {}

    private Result sipwake(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new SipwakeCommand());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        int exit = cmd.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** The command with {@code --admin} and {@code --token-file} of the test server appended. */
    private Result admin(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--admin", admin, "--token-file", tokenFile.toString()));
        return sipwake(all.toArray(String[]::new));
    }

    private static String newToken() {
        return (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
    }

    /** A binding of {@link #AOR} with Linphone iOS push parameters: a PushKit and a remote-notification token. */
    private void addPushBinding(String voipToken, String remoteToken) {
        long now = System.currentTimeMillis();
        String contact = "<sip:alice@127.0.0.1:5999;pn-provider=apns;pn-param=" + TEAM + "." + BUNDLE + ".voip&remote;pn-prid="
                + voipToken + ":voip&" + remoteToken + ":remote>";
        Binding b = new Binding(AOR, "<urn:uuid:00000000-0000-0000-0000-0000000000a1>;reg-id=1", contact,
                "urn:uuid:00000000-0000-0000-0000-0000000000a1", 1, Binding.NO_Q, "reg-1@test", 1, now + 600_000, null, null,
                "udp:127.0.0.1:5999", "Linphone/5.2 (iPhone)", now);
        server.server().locations().update(AOR, current -> List.of(b)).join();
    }

    @ParameterizedTest(name = "sipwake {0} --help")
    @ValueSource(strings = {"bindings", "bindings list", "bindings show", "bindings delete", "calls", "trace", "push"})
    void everyAdminCommandHasHelpListingTheAdminOptions(String command) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.add("--help");
        Result r = sipwake(args.toArray(String[]::new));
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("Usage: sipwake " + command).contains("--admin=URL", "--token-file=FILE", "--json", "--help");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void topLevelHelpListsTheAdminCommandsAndTheirExitCodes() {
        Result r = sipwake("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("bindings", "calls", "trace", "push", "4   not found", "5   cannot reach the admin API");
    }

    @Test
    void bindingsListShowAndDeleteWithTokensRedactedUnlessRevealed() throws Exception {
        String voip = newToken();
        String remote = newToken();
        addPushBinding(voip, remote);

        Result list = admin("bindings", "list");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).contains(AOR + ": 1 binding(s)", "push: apns " + TEAM + "." + BUNDLE,
                "voip token " + voip.substring(0, 4) + "…" + voip.substring(60), "Linphone/5.2 (iPhone)", "1 AOR(s), 1 binding(s)");
        assertThat(list.out()).doesNotContain(voip).doesNotContain(remote);
        assertThat(admin("bindings").out()).isEqualTo(list.out()); // list is the default

        Result revealed = admin("bindings", "list", "--reveal");
        assertThat(revealed.out()).contains(voip, remote);

        Result show = admin("bindings", "show", "alice@127.0.0.1"); // sip: assumed
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out()).startsWith(AOR + ": 1 binding(s)").contains("remote token " + remote.substring(0, 4) + "…")
                .doesNotContain(remote);

        Result json = admin("bindings", "show", AOR, "--json");
        assertThat(json.exitCode()).isZero();
        JsonNode body = JSON.readTree(json.out());
        assertThat(body.get("aor").asText()).isEqualTo(AOR);
        assertThat(body.get("bindings").get(0).get("push").get("tokens")).hasSize(2);
        assertThat(json.out()).doesNotContain(voip);

        Result delete = admin("bindings", "delete", AOR);
        assertThat(delete.exitCode()).as(delete.err()).isZero();
        assertThat(delete.out()).isEqualTo("removed 1 binding(s) of " + AOR + System.lineSeparator());
        assertThat(server.server().locations().lookup(AOR)).isEmpty();

        Result gone = admin("bindings", "show", AOR);
        assertThat(gone.exitCode()).isEqualTo(SipwakeCommand.EXIT_NOT_FOUND).isEqualTo(4);
        assertThat(gone.err()).isEqualTo("sipwake: no bindings for " + AOR + System.lineSeparator());
        assertThat(gone.out()).isEmpty();
        assertThat(admin("bindings", "delete", AOR).exitCode()).isEqualTo(4);
    }

    @Test
    void callsShowsTheHeldRequests() throws Exception {
        Result r = admin("calls");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("0 request(s) held while their phone wakes" + System.lineSeparator());
        Result json = admin("calls", "--json");
        assertThat(JSON.readTree(json.out()).get("held").asInt()).isZero();
    }

    @Test
    void traceOfAnUnknownCallExitsFour() {
        Result r = admin("trace", "no-such-call@example.com");
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.err()).contains("no trace for Call-ID no-such-call@example.com");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void traceOfAHeldCallPrintsItsTimeline() throws Exception {
        String voip = newToken();
        addPushBinding(voip, newToken());
        apns.allow(BUNDLE + ".voip", voip);
        String callId = "cli/trace+" + System.nanoTime() + "@127.0.0.1"; // '/' and '+' check the escaping
        try (DatagramSocket caller = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            String uri = "sip:alice@127.0.0.1:" + server.port();
            String invite = "INVITE " + uri + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + caller.getLocalPort() + ";branch=z9hG4bK" + System.nanoTime() + ";rport\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:caller@127.0.0.1>;tag=c1\r\nTo: <" + uri + ">\r\nCall-ID: " + callId + "\r\n"
                    + "CSeq: 1 INVITE\r\nContact: <sip:caller@127.0.0.1:" + caller.getLocalPort() + ">\r\nContent-Length: 0\r\n\r\n";
            byte[] bytes = invite.getBytes(StandardCharsets.UTF_8);
            caller.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), server.port()));
            // Held until the phone re-registers, which it never does: after push.call-timeout (2 s) the call ends.
            await().atMost(Duration.ofSeconds(15)).until(() -> admin("trace", callId).exitCode() == 0 && admin("calls").out().startsWith("0 "));
        }
        Result r = admin("trace", callId);
        assertThat(r.out()).startsWith("Call-ID " + callId + System.lineSeparator() + "INVITE for " + AOR + " via apns:")
                .contains("push accepted").doesNotContain(voip);
        assertThat(r.err()).isEmpty();
    }

    @Test
    void pushToARawTokenPrintsTheProvidersAnswer() throws Exception {
        String token = newToken();
        apns.allow(BUNDLE, token);
        int before = apns.received().size();
        Result r = admin("push", "--provider", "apns", "--param", TEAM + "." + BUNDLE, "--token", token);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("apns " + TEAM + "." + BUNDLE + " token " + token.substring(0, 4) + "…")
                .contains("message push: accepted (200, id ").doesNotContain(token);
        await().atMost(Duration.ofSeconds(5)).until(() -> apns.received().size() > before);
        MockApns.Received sent = apns.received().get(apns.received().size() - 1);
        assertThat(sent.token()).isEqualTo(token);
        assertThat(sent.header("apns-push-type")).as("a message push is never a VoIP push").isEqualTo("alert");
        assertThat(sent.header("apns-topic")).isEqualTo(BUNDLE);
        // The id printed is the provider's own.
        assertThat(r.out()).contains(sent.header("apns-id") == null ? "id " : "id " + sent.header("apns-id"));
    }

    @Test
    void pushToAnUnknownTokenPrintsTheRejectionAndExitsOne() throws Exception {
        Result r = admin("push", "--provider", "apns", "--param", TEAM + "." + BUNDLE, "--token", newToken(), "--json");
        assertThat(r.exitCode()).isEqualTo(1);
        JsonNode answer = JSON.readTree(r.out()).get(0);
        assertThat(answer.get("result").asText()).isEqualTo("rejected");
        assertThat(answer.get("status").asInt()).isEqualTo(400);
        assertThat(answer.get("reason").asText()).isEqualTo("DeviceTokenNotForTopic");
        assertThat(answer.get("token-is-dead").asBoolean()).isFalse();
    }

    @Test
    void pushToAnUnregisteredTokenSaysTheTokenIsDead() {
        String token = newToken();
        apns.allow(BUNDLE, token).unregister(token, java.time.Instant.parse("2026-01-02T03:04:05Z"));
        Result r = admin("push", "--provider", "apns", "--param", TEAM + "." + BUNDLE, "--token", token);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("message push: rejected: 410 Unregistered (the token is dead since 2026-01-02T03:04:05Z)");
    }

    @Test
    void pushToAnAorPushesEachPushBindingWithTheRightToken() {
        String voip = newToken();
        String remote = newToken();
        addPushBinding(voip, remote);
        apns.allow(BUNDLE, remote);
        Result r = admin("push", "--aor", AOR);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith(AOR + " apns " + TEAM + "." + BUNDLE + " remote token " + remote.substring(0, 4) + "…")
                .contains("message push: accepted");

        Result none = admin("push", "--aor", "sip:nobody@127.0.0.1");
        assertThat(none.exitCode()).isEqualTo(4);
        assertThat(none.err()).contains("no bindings for sip:nobody@127.0.0.1");
    }

    @Test
    void pushOptionsThatContradictEachOtherAreAUsageError() {
        Result both = admin("push", "--aor", AOR, "--token", "abc");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("--aor cannot be combined").contains("Usage: sipwake push");
        Result neither = admin("push");
        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).contains("give --aor AOR, or --provider P and --token T");
        Result badKind = admin("push", "--provider", "apns", "--token", newToken(), "--kind", "ring");
        assertThat(badKind.exitCode()).isEqualTo(2);
        assertThat(badKind.err()).contains("unknown kind 'ring'");
    }

    @Test
    void aWrongTokenIsRefusedWithAClearErrorAndExitThree() throws Exception {
        Path wrong = Files.writeString(tokenFile.resolveSibling("wrong-token"), "not-the-token\n");
        Result r = sipwake("calls", "--admin", admin, "--token-file", wrong.toString());
        assertThat(r.exitCode()).isEqualTo(SipwakeCommand.EXIT_BAD_CONFIG).isEqualTo(3);
        assertThat(r.err()).isEqualTo("sipwake: the admin API refused the token (invalid bearer token): check --token-file or SIPWAKE_ADMIN_TOKEN"
                + System.lineSeparator());
        assertThat(r.out()).isEmpty();

        Result missingFile = sipwake("calls", "--admin", admin, "--token-file", tokenFile.resolveSibling("missing").toString());
        assertThat(missingFile.exitCode()).isEqualTo(3);
        assertThat(missingFile.err()).startsWith("sipwake: --token-file: cannot read ");
    }

    @Test
    void anUnreachableAdminApiExitsFive() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        for (String[] args : List.of(new String[] {"calls"}, new String[] {"bindings"}, new String[] {"trace", "x"},
                new String[] {"push", "--aor", AOR})) {
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(List.of("--admin", "http://127.0.0.1:" + closedPort, "--token-file", tokenFile.toString()));
            Result r = sipwake(all.toArray(String[]::new));
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(SipwakeCommand.EXIT_UNREACHABLE).isEqualTo(5);
            assertThat(r.err()).startsWith("sipwake: cannot reach the admin API at http://127.0.0.1:" + closedPort + ": ");
        }
        Result badUrl = sipwake("calls", "--admin", "localhost:8089");
        assertThat(badUrl.exitCode()).isEqualTo(3);
        assertThat(badUrl.err()).contains("--admin: expected http://HOST:PORT");
    }
}

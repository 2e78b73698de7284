package io.sipwake.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sipwake.proxy.push.HookWake;
import io.sipwake.server.HookTestBed.Cli;
import io.sipwake.server.HookTestBed.Dialect;
import io.sipwake.testing.PeerTransport;
import io.sipwake.testing.Peers;
import io.sipwake.testing.Sipp;
import io.sipwake.testing.SippResult;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code sipwake wake} as a dialplan runs it, against a sipwake pushing to the APNs, FCM and wake-up URL doubles:
 * each outcome and its exit code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(90)
class HookWakeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private HookTestBed bed;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        bed = new HookTestBed(dir);
    }

    @AfterAll
    void stop() throws Exception {
        if (bed != null) bed.close();
    }

    @AfterEach
    void forgetThePhones() {
        bed.forgetRegisteredPhones();
    }

    @Test
    void helpExplainsTheExitCodes() {
        Cli r = HookTestBed.cliRaw("wake", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("Usage: sipwake wake").contains("--contact=STR", "--call-id=ID", "--wait", "--timeout=DURATION",
                "--admin=URL", "--token-file=FILE", "--json", "Exit codes:",
                "0   woken", "4   no push binding", "5   cannot reach the admin API", "6   the push service rejected",
                "7   the push token is dead", "8   --wait timed out");
        assertThat(HookTestBed.cliRaw("--help").out()).contains("wake", "6   wake: the push was rejected or failed");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void eachDialectOfContactWakesAndExitsZero(Dialect dialect) throws Exception {
        String aor = bed.newAor();
        String token = bed.newToken(dialect);
        Cli r = bed.cli("wake", aor, "--contact", bed.contact(dialect, token), "--call-id", "cli-" + dialect, "--timeout", "10s");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith("accepted: " + aor + " call cli-" + dialect + " in ").contains("push accepted", "(contact stored)",
                ", call push: accepted (200").doesNotContain(token);
        assertThat(r.err()).isEmpty();
        assertThat(bed.pushesTo(dialect, token)).isEqualTo(1);

        // --wait for a phone that registers with the PBX ends with the accepted push too; the stored token is used
        Cli waited = bed.cli("wake", aor, "--wait", "--timeout", "10s");
        assertThat(waited.exitCode()).as(waited.out() + waited.err()).isZero();
        assertThat(waited.out()).startsWith("accepted: " + aor + " in ").contains("registers with the PBX");
        assertThat(bed.pushesTo(dialect, token)).isEqualTo(2);

        // and sipwake bindings lists what the hook stored
        Cli bindings = bed.cli("bindings", "show", aor);
        assertThat(bindings.exitCode()).isZero();
        assertThat(bindings.out()).contains("from hook").doesNotContain(token);
    }

    @Test
    void waitEndsWhenThePhoneRegistersAgainThroughSipwake() throws Exception {
        Peers.require("sipp");
        String voip = PushTestSupport.newToken();
        bed.apns.allow(PushTestSupport.BUNDLE + ".voip", voip);
        String pn = PushTestSupport.linphonePn(voip, PushTestSupport.newToken());
        PushTestSupport.registerAndSleep(bed.server, "alice", pn);

        CompletableFuture<Cli> wake = CompletableFuture.supplyAsync(() -> bed.cli("wake", PushTestSupport.aor("alice"), "--wait",
                "--timeout", "20s", "--call-id", "cli-wait", "--caller", "sip:1002@pbx.example.com"));
        await().atMost(Duration.ofSeconds(15)).until(() -> bed.apns.received().stream().anyMatch(p -> p.token().equals(voip)));
        SippResult again = Sipp.scenario("sipp/register-push.xml").remote("127.0.0.1", bed.server.port()).transport(PeerTransport.TCP)
                .service("alice").auth("alice", TestServer.PASSWORD).key("pn", pn).run();
        assertThat(again).matches(SippResult::succeeded, "re-registered");

        Cli r = wake.get(15, TimeUnit.SECONDS);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith("registered: sip:alice@127.0.0.1 call cli-wait in ").contains("the phone registered again");
    }

    @Test
    void waitTimingOutExitsEight() throws Exception {
        Peers.require("sipp");
        String voip = PushTestSupport.newToken();
        bed.apns.allow(PushTestSupport.BUNDLE + ".voip", voip);
        PushTestSupport.registerAndSleep(bed.server, "bob", PushTestSupport.linphonePn(voip, PushTestSupport.newToken()));
        Cli r = bed.cli("wake", PushTestSupport.aor("bob"), "--wait", "--timeout", "1s");
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(8);
        assertThat(r.out()).startsWith("timeout: sip:bob@127.0.0.1 in ").contains("the phone did not register within 1 s");
    }

    @Test
    void noPushBindingExitsFour() {
        String aor = bed.newAor();
        Cli r = bed.cli("wake", aor);
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.out()).startsWith("no-push-binding: " + aor + " in ").contains("no bindings for " + aor);
        Cli plain = bed.cli("wake", aor, "--contact", "sip:1001@192.0.2.10:5060");
        assertThat(plain.exitCode()).isEqualTo(4);
        assertThat(plain.out()).contains("the contact has no push parameters");
    }

    @Test
    void aRejectedPushExitsSixAndPrintsTheProvidersAnswer() {
        String token = PushTestSupport.newToken(); // not allowed for the topic
        Cli r = bed.cli("wake", bed.newAor(), "--contact", bed.contact(Dialect.MOD_APN, token));
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(6);
        assertThat(r.out()).startsWith("rejected: ").contains("call push: rejected: 400 DeviceTokenNotForTopic");
    }

    @Test
    void aDeadTokenExitsSevenAndItsBindingIsGone() {
        String aor = bed.newAor();
        String token = bed.newToken(Dialect.RFC8599_APNS);
        bed.apns.unregister(token, Instant.parse("2026-03-04T05:06:07Z"));
        Cli r = bed.cli("wake", aor, "--contact", bed.contact(Dialect.RFC8599_APNS, token));
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(7);
        assertThat(r.out()).startsWith("token-dead: ").contains("410 Unregistered (the token is dead since 2026-03-04T05:06:07Z)", "binding removed");
        assertThat(bed.server.server().locations().lookup(aor)).isEmpty();
        assertThat(bed.cli("wake", aor).exitCode()).as("nothing left to push").isEqualTo(4);
    }

    @Test
    void theSameCallIdSendsOnePush() throws Exception {
        String aor = bed.newAor();
        String token = bed.newToken(Dialect.RFC8599_FCM);
        String contact = bed.contact(Dialect.RFC8599_FCM, token);
        String callId = "cli-dup-" + UUID.randomUUID();
        Cli first = bed.cli("wake", aor, "--contact", contact, "--call-id", callId);
        Cli second = bed.cli("wake", aor, "--contact", contact, "--call-id", callId, "--json");
        assertThat(first.exitCode()).isZero();
        assertThat(second.exitCode()).isZero();
        JsonNode answer = JSON.readTree(second.out());
        assertThat(answer.get("duplicate").asBoolean()).isTrue();
        assertThat(answer.get("outcome").asText()).isEqualTo("accepted");
        assertThat(bed.fcm.messagesTo(token)).as("one push for one call").hasSize(1);
    }

    @Test
    void badInputExitsTwoAndAWrongTokenThree() throws Exception {
        Cli r = bed.cli("wake", bed.newAor(), "--timeout", "soon");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("sipwake: 'timeout': expected a duration");
        assertThat(r.out()).isEmpty();
        Cli noAor = bed.cli("wake", "sip:@pbx.example.com");
        assertThat(noAor.exitCode()).isEqualTo(2);
        assertThat(noAor.err()).contains("'aor':");
        assertThat(bed.cli("wake").exitCode()).as("AOR missing: picocli usage error").isEqualTo(2);

        Path wrong = Files.writeString(bed.tokenFile.resolveSibling("wrong-token"), "not-the-token\n");
        Cli refused = HookTestBed.cliRaw("wake", bed.newAor(), "--admin", bed.adminUrl(), "--token-file", wrong.toString());
        assertThat(refused.exitCode()).isEqualTo(3);
        assertThat(refused.err()).contains("the admin API refused the token (invalid bearer token)");
    }

    @Test
    void anUnreachableAdminApiExitsFive() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Cli r = HookTestBed.cliRaw("wake", bed.newAor(), "--admin", "http://127.0.0.1:" + closedPort);
        assertThat(r.exitCode()).isEqualTo(5);
        assertThat(r.err()).startsWith("sipwake: cannot reach the admin API at http://127.0.0.1:" + closedPort);
    }

    @Test
    void jsonPrintsTheApiAnswerWithTokensRedacted() throws Exception {
        String aor = bed.newAor();
        String token = bed.newToken(Dialect.LINPHONE_LEGACY_PN_TOK);
        Cli r = bed.cli("wake", aor, "--contact", bed.contact(Dialect.LINPHONE_LEGACY_PN_TOK, token), "--json");
        assertThat(r.exitCode()).isZero();
        JsonNode answer = JSON.readTree(r.out());
        assertThat(answer.get("outcome").asText()).isEqualTo("accepted");
        assertThat(answer.get("provider").asText()).isEqualTo("fcm");
        assertThat(answer.get("push").get("provider-id").asText()).startsWith("projects/" + HookTestBed.FCM_PROJECT + "/messages/");
        assertThat(r.out()).doesNotContain(token);
        assertThat(bed.server.server().locations().lookup(aor)).allMatch(HookWake::isHookBinding);
    }
}

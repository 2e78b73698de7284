package io.sipwake.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sipwake.push.fcm.testing.FakeFcmServer;
import io.sipwake.push.fcm.testing.TestServiceAccount;
import io.sipwake.sip.transport.Flow;
import io.sipwake.testing.PeerTransport;
import io.sipwake.testing.Peers;
import io.sipwake.testing.Sipp;
import io.sipwake.testing.SippProcess;
import io.sipwake.testing.SippResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 8599 end to end with Firebase Cloud Messaging HTTP v1: an Android phone as Linphone registers
 * it ({@code pn-param} = the numeric sender id) sleeps; sipwake gets an OAuth token through the
 * service-account flow from a local {@code token_uri}, sends a high-priority data message to a
 * protocol-faithful FCM double, and forwards the held INVITE once the woken phone registers again.
 */
class FcmWakeUpTest {
    private static final String PROJECT = "example-phone";
    private static final String SENDER_ID = "929724111839";
    private static final String TOKEN = "f1EwemxKT-CA3J6IQ98pRT:APA91bGdXyZ0123456789abcdefghijklmnopqrstuvwxyz";
    private static final String PN = ";pn-provider=fcm;pn-param=" + SENDER_ID + ";pn-prid=" + TOKEN;

    @Test
    void sleepingAndroidPhoneIsWokenByAnFcmDataMessageAndTheCallCompletes_RFC8599_5_6_2(@TempDir Path dir) throws Exception {
        Peers.require("sipp");
        try (FakeFcmServer fcm = FakeFcmServer.start()) {
            Path accounts = Files.createDirectories(dir.resolve("fcm"));
            TestServiceAccount account = fcm.createServiceAccount(accounts, PROJECT);
            String push = "push:\n  call-timeout: 30s\n  min-expires: 121\n  fcm:\n"
                    + "    api-url: " + fcm.baseUri() + "\n"
                    + "    projects:\n      - {project-id: " + PROJECT + ", service-account: " + account.jsonFile()
                    + ", sender-ids: [\"" + SENDER_ID + "\"]}\n";
            try (TestServer server = TestServer.start(dir, "", "", push)) {
                int port = server.port();
                SippResult registration = Sipp.scenario("sipp/register-push.xml").remote("127.0.0.1", port).transport(PeerTransport.TCP)
                        .service("bob").auth("bob", TestServer.PASSWORD).key("pn", PN).run();
                assertThat(registration).matches(SippResult::succeeded, "registered with FCM push parameters");
                Flow sleeping = Flow.parseToken(server.server().locations().lookup("sip:bob@127.0.0.1").get(0).flow());
                await().atMost(Duration.ofSeconds(10)).until(() -> !server.server().transport().isOpen(sleeping));

                String callId = "fcm-" + UUID.randomUUID();
                try (SippProcess caller = Sipp.scenario("sipp/caller.xml").remote("127.0.0.1", port).transport(PeerTransport.UDP)
                        .service("bob").callId(callId).timeout(Duration.ofSeconds(40)).start()) {
                    await().atMost(Duration.ofSeconds(15)).until(() -> !fcm.messagesTo(TOKEN).isEmpty());
                    FakeFcmServer.ReceivedMessage message = fcm.messagesTo(TOKEN).get(0);
                    assertThat(message.projectId()).as("the sender id maps to the project").isEqualTo(PROJECT);
                    assertThat(message.serviceAccount()).isEqualTo(account.clientEmail());
                    assertThat(message.priority()).isEqualToIgnoringCase("high");
                    assertThat(message.collapseKey()).isEqualTo(callId);
                    assertThat(message.ttl()).matches("\\d+s");
                    assertThat(Long.parseLong(message.ttl().replace("s", ""))).isBetween(1L, 30L);
                    assertThat(message.data()).containsEntry("type", "call").containsEntry("call-id", callId).containsKey("sent-at");
                    assertThat(fcm.tokenRequests()).as("OAuth through the service-account flow").isNotEmpty();

                    try (SippProcess phone = Sipp.scenario("sipp/callee-push.xml").remote("127.0.0.1", port).transport(PeerTransport.TCP)
                            .service("bob").auth("bob", TestServer.PASSWORD).key("pn", PN).callId(callId).start()) {
                        assertThat(caller.awaitResult()).matches(SippResult::succeeded, "the caller's call completed");
                        assertThat(phone.awaitResult()).matches(SippResult::succeeded, "the woken phone answered");
                    }
                }
                assertThat(fcm.messagesTo(TOKEN)).as("one push for one device and one call").hasSize(1);
            }
        }
    }
}

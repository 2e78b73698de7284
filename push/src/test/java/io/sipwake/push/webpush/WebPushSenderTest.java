package io.sipwake.push.webpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipwake.push.PushKind;
import io.sipwake.push.PushRequest;
import io.sipwake.push.PushResult;
import io.sipwake.push.PushSender;
import io.sipwake.push.http.HttpWakeSettings;
import io.sipwake.push.webpush.testing.FakeWebPushServer;
import io.sipwake.push.webpush.testing.TestVapidKeys;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WebPush as RFC 8599 §12 uses it, against a push service double that checks RFC 8030 and RFC 8292. */
class WebPushSenderTest {
    @TempDir
    Path dir;

    private FakeWebPushServer service;
    private PushSender sender;
    private String publicKey;

    @BeforeEach
    void start() throws Exception {
        service = FakeWebPushServer.start();
        Path pem = dir.resolve("vapid.pem");
        publicKey = TestVapidKeys.write(pem);
        // the double listens on loopback, which sipwake refuses unless a CIDR entry allows it
        sender = WebPushSender.create(new WebPushSettings(VapidKey.read(pem), "mailto:ops@example.com",
                HttpWakeSettings.of(List.of("127.0.0.0/8")).withTimeout(Duration.ofSeconds(2))));
    }

    @AfterEach
    void stop() {
        if (sender != null) sender.close();
        if (service != null) service.close();
    }

    private static PushRequest push(URI subscription, PushKind kind, Duration left) {
        Instant now = Instant.now();
        return new PushRequest("webpush", null, subscription.toString(), false, kind, now.plus(left), "call-1@host", null,
                "sip:alice@example.com", "Alice", false, now, "call-1@host");
    }

    @Test
    void aCallIsAnEmptyVapidSignedPostWithTtlUntilTheDeadlineUrgencyHighAndATopic_RFC8030_RFC8292() {
        URI subscription = service.subscribe();
        PushResult result = sender.send(push(subscription, PushKind.CALL, Duration.ofSeconds(30))).join();
        assertThat(result).isInstanceOf(PushResult.Accepted.class);
        assertThat(((PushResult.Accepted) result).status()).isEqualTo(201);
        FakeWebPushServer.Received r = service.received().get(0);
        assertThat(r.body()).as("RFC 8599 §12 defines no payload").isEmpty();
        assertThat(Long.parseLong(r.header("TTL"))).isBetween(25L, 30L);
        assertThat(r.header("Urgency")).isEqualTo("high");
        assertThat(r.header("Topic")).hasSize(22);
        assertThat(r.header("Authorization")).contains("k=" + publicKey);
        assertThat(r.vapidClaims().path("aud").asText()).isEqualTo(service.origin());
        assertThat(r.vapidClaims().path("sub").asText()).isEqualTo("mailto:ops@example.com");
    }

    @Test
    void aCancelReplacesTheCallPushBecauseBothHaveTheSameTopic_RFC8030_5_4() {
        URI subscription = service.subscribe();
        sender.send(push(subscription, PushKind.CALL, Duration.ofSeconds(30))).join();
        sender.send(push(subscription, PushKind.CALL_CANCELLED, Duration.ofSeconds(30))).join();
        List<FakeWebPushServer.Received> both = service.received();
        assertThat(both).hasSize(2);
        assertThat(both.get(1).header("Topic")).isEqualTo(both.get(0).header("Topic"));
    }

    @Test
    void aRefreshPushHasLowUrgency() {
        sender.send(push(service.subscribe(), PushKind.REGISTRATION_REFRESH, Duration.ofSeconds(120))).join();
        assertThat(service.received().get(0).header("Urgency")).isEqualTo("low");
    }

    @Test
    void anExpiredSubscriptionIsADeadToken_410() {
        URI subscription = service.subscribe();
        service.expire(subscription);
        PushResult result = sender.send(push(subscription, PushKind.CALL, Duration.ofSeconds(30))).join();
        assertThat(result).isInstanceOfSatisfying(PushResult.Rejected.class, r -> {
            assertThat(r.status()).isEqualTo(410);
            assertThat(r.tokenIsDead()).isTrue();
        });
    }

    @Test
    void aSubscriptionRestrictedToAnotherServerKeyIsRefused_butNotDead_RFC8292_3_2() {
        URI subscription = service.subscribe("BOtherKeyOfSomeOtherApplicationServer");
        PushResult result = sender.send(push(subscription, PushKind.CALL, Duration.ofSeconds(30))).join();
        assertThat(result).isInstanceOfSatisfying(PushResult.Rejected.class, r -> {
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.tokenIsDead()).isFalse();
        });
    }

    @Test
    void aSubscriptionRestrictedToSipwakesKeyIsAccepted() {
        assertThat(sender.send(push(service.subscribe(publicKey), PushKind.CALL, Duration.ofSeconds(30))).join())
                .isInstanceOf(PushResult.Accepted.class);
    }

    @Test
    void aSubscriptionOnAHostNotAllowedIsRefusedWithoutAnyRequest() {
        PushResult result = sender.send(push(URI.create("https://push.evil.example/x"), PushKind.CALL, Duration.ofSeconds(30))).join();
        assertThat(result).isInstanceOfSatisfying(PushResult.Rejected.class,
                r -> assertThat(r.reason()).contains("push.webpush.allow-hosts"));
        assertThat(service.answers()).isEmpty();
    }

    @Test
    void thePublicKeyIsComputedFromThePrivateKeyFile() throws Exception {
        Path pem = dir.resolve("other.pem");
        String expected = TestVapidKeys.write(pem);
        assertThat(VapidKey.read(pem).publicKeyBase64Url()).isEqualTo(expected);
    }

    @Test
    void aKeyFileThatIsNoPkcs8P256KeyIsRefusedWithAHint() throws Exception {
        Path sec1 = Files.writeString(dir.resolve("sec1.pem"), "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n");
        assertThatThrownBy(() -> VapidKey.read(sec1)).hasMessageContaining("openssl pkcs8 -topk8");
    }
}

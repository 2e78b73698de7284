package io.sipwake.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sipwake.push.PushKind;
import io.sipwake.push.PushRequest;
import io.sipwake.push.PushResult;
import io.sipwake.push.apns.testing.ApnsTestCredentials;
import io.sipwake.push.apns.testing.MockApns;
import io.sipwake.push.fcm.testing.FakeFcmServer;
import io.sipwake.push.fcm.testing.TestServiceAccount;
import io.sipwake.server.cli.SipwakeCommand;
import io.sipwake.server.config.ConfigException;
import io.sipwake.server.config.ConfigLoader;
import io.sipwake.server.config.SipwakeConfig;
import io.sipwake.testing.Cli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * New push credentials without a restart: {@code sipwake reload} ({@code POST /api/v1/reload}) re-reads the config
 * file, and the next push is signed with the new APNs key or sent through the new Firebase project and service
 * account; a file that does not validate is refused with the key named, and pushes keep going out on the old ones.
 */
class PushReloadTest {
    private static final String TEAM = "ABCD1234";
    private static final String BUNDLE = "org.example.phone";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Starts sipwake from {@code file} as {@code sipwake run -c file} does, with the admin API on a free port. */
    private SipwakeServer start(Path file) {
        SipwakeConfig config = ConfigLoader.load(file, Map.of());
        SipwakeServer server = SipwakeServer.start(config);
        server.enableReload(file, config);
        return server;
    }

    private Cli.Result reload(SipwakeServer server, Path tokenFile) {
        return Cli.sipwake("reload", "--admin", "http://127.0.0.1:" + server.admin().port(), "--token-file", tokenFile.toString());
    }

    private static String common(Path tokenFile) {
        return "sip:\n  address: 127.0.0.1\n  resolve-names: false\n  listen:\n    - {transport: tcp, port: 0}\n"
                + "registrar:\n  authentication: false\n"
                + "store:\n  type: memory\n"
                + "admin:\n  enabled: true\n  port: 0\n  token-file: " + tokenFile + "\n";
    }

    private static String apns(MockApns apns, ApnsTestCredentials.SigningKey key, String signingKeyFile) {
        var endpoint = apns.endpoint();
        String ep = "{host: " + endpoint.host() + ", port: " + endpoint.port() + ", trust: " + endpoint.trustedServerCertificate() + "}";
        return "push:\n  apns:\n    teams:\n"
                + "      - {team-id: " + key.teamId() + ", key-id: " + key.keyId() + ", signing-key: " + signingKeyFile
                + ", bundle-ids: [" + BUNDLE + "]}\n"
                + "    production-endpoint: " + ep + "\n    sandbox-endpoint: " + ep + "\n";
    }

    private static PushResult push(SipwakeServer server, String provider, String param, String token) throws Exception {
        PushRequest request = new PushRequest(provider, param, token, false, PushKind.MESSAGE, Instant.now().plusSeconds(20),
                "reload-" + UUID.randomUUID(), UUID.randomUUID().toString(), "sip:carol@example.com", "Carol", false, Instant.now(), null);
        return server.pushDispatcher().send(request).get(20, TimeUnit.SECONDS);
    }

    /** The key id ({@code kid}) in the JWT of an APNs request's {@code authorization: bearer <jwt>}. */
    private static String keyIdOf(MockApns.Received request) throws Exception {
        String jwt = request.header("authorization").substring("bearer ".length());
        String header = new String(Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))), StandardCharsets.UTF_8);
        return JSON.readTree(header).get("kid").asText();
    }

    @Test
    void aNewApnsKeySignsTheNextPushAndABadFileIsRefusedWithTheKeyNamed() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("admin-token"), "t0ken-" + UUID.randomUUID());
        var identity = ApnsTestCredentials.serverIdentity(dir);
        var oldKey = ApnsTestCredentials.signingKey(dir, TEAM, "OLDKEY0001");
        var newKey = ApnsTestCredentials.signingKey(dir, TEAM, "NEWKEY0002");
        String token = UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
        try (MockApns apns = new MockApns(identity, List.of(oldKey, newKey), Set.of(BUNDLE))) {
            apns.allow(BUNDLE, token);
            Path config = Files.writeString(dir.resolve("sipwake.yaml"), common(tokenFile) + apns(apns, oldKey, oldKey.p8File().toString()));
            try (SipwakeServer server = start(config)) {
                assertThat(push(server, "apns", TEAM + "." + BUNDLE, token)).isInstanceOf(PushResult.Accepted.class);
                assertThat(keyIdOf(apns.received().get(0))).isEqualTo("OLDKEY0001");

                Files.writeString(config, common(tokenFile) + apns(apns, newKey, newKey.p8File().toString()));
                Cli.Result reloaded = reload(server, tokenFile);
                assertThat(reloaded.exitCode()).as(reloaded.err()).isZero();
                assertThat(reloaded.out()).startsWith("push credentials reloaded from " + config + ":")
                        .contains("push.apns.teams[0]: team " + TEAM + ", key OLDKEY0001", "-> team " + TEAM + ", key NEWKEY0002");
                assertThat(push(server, "apns", TEAM + "." + BUNDLE, token)).isInstanceOf(PushResult.Accepted.class);
                assertThat(keyIdOf(apns.received().get(1))).as("the push after the reload").isEqualTo("NEWKEY0002");

                Files.writeString(config, common(tokenFile) + apns(apns, newKey, dir.resolve("AuthKey_MISSING.p8").toString()));
                Cli.Result refused = reload(server, tokenFile);
                assertThat(refused.exitCode()).isEqualTo(SipwakeCommand.EXIT_BAD_CONFIG);
                assertThat(refused.err()).startsWith("sipwake: " + config + ": push.apns.teams[0].signing-key: file ")
                        .contains("does not exist");
                assertThat(push(server, "apns", TEAM + "." + BUNDLE, token)).as("the running key still signs")
                        .isInstanceOf(PushResult.Accepted.class);
                assertThat(keyIdOf(apns.received().get(2))).isEqualTo("NEWKEY0002");

                Files.writeString(config, common(tokenFile) + apns(apns, newKey, newKey.p8File().toString()) + "  call-timeout: 45s\n");
                Cli.Result unchanged = reload(server, tokenFile);
                assertThat(unchanged.exitCode()).isZero();
                assertThat(unchanged.out()).contains("are unchanged: nothing reloaded", "applied only at the next start:",
                        "push.call-timeout (30s -> 45s)");
            }
        }
    }

    @Test
    void aNewFirebaseProjectAndServiceAccountCarryTheNextPush() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("admin-token"), "t0ken-" + UUID.randomUUID());
        try (FakeFcmServer fcm = FakeFcmServer.start()) {
            TestServiceAccount first = fcm.createServiceAccount(dir.resolve("fcm"), "first-project");
            TestServiceAccount second = fcm.createServiceAccount(dir.resolve("fcm"), "second-project");
            Path config = Files.writeString(dir.resolve("sipwake.yaml"), common(tokenFile) + fcm(fcm, first));
            String token = "fcmtoken-" + UUID.randomUUID();
            try (SipwakeServer server = start(config)) {
                assertThat(push(server, "fcm", "first-project", token)).isInstanceOf(PushResult.Accepted.class);
                assertThat(fcm.messagesTo(token)).singleElement().matches(m -> m.projectId().equals("first-project")
                        && m.serviceAccount().equals(first.clientEmail()));

                Files.writeString(config, common(tokenFile) + fcm(fcm, second));
                PushReloader.Outcome outcome = server.pushReloader().reload();
                assertThat(outcome.reloaded()).isTrue();
                assertThat(outcome.changed()).singleElement().asString().startsWith("push.fcm.projects[0]: project first-project")
                        .contains("-> project second-project");
                assertThat(push(server, "fcm", "second-project", token)).isInstanceOf(PushResult.Accepted.class);
                assertThat(fcm.messagesTo(token)).hasSize(2).last().matches(m -> m.projectId().equals("second-project")
                        && m.serviceAccount().equals(second.clientEmail()), "sent through the new project and account");

                // adding a push service changes what phones were told at registration: that takes a restart
                Files.writeString(config, common(tokenFile) + fcm(fcm, second) + "  http:\n    allow-hosts: [push.example.com]\n");
                ConfigException e = catchThrowableOfType(ConfigException.class, () -> server.pushReloader().reload());
                assertThat(e).hasMessageContaining("push: adding or removing a push service takes a restart");
                assertThat(push(server, "fcm", "second-project", token)).isInstanceOf(PushResult.Accepted.class);
            }
        }
    }

    private static String fcm(FakeFcmServer fcm, TestServiceAccount account) {
        return "push:\n  fcm:\n    api-url: " + fcm.baseUri() + "\n    projects:\n"
                + "      - {project-id: " + account.projectId() + ", service-account: " + account.jsonFile() + "}\n";
    }

    @Test
    void aNewWebPushSubjectIsReloaded_butANewVapidKeyTakesARestartBecausePhonesWereToldTheOldOne_RFC8599_5_6_1_1() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("admin-token"), "t0ken-" + UUID.randomUUID());
        Path key = dir.resolve("vapid.pem");
        io.sipwake.push.webpush.testing.TestVapidKeys.write(key);
        String webpush = "push:\n  webpush:\n    vapid-private-key: " + key + "\n    allow-hosts: [127.0.0.0/8]\n    subject: ";
        Path config = Files.writeString(dir.resolve("sipwake.yaml"), common(tokenFile) + webpush + "\"mailto:a@example.com\"\n");
        try (SipwakeServer server = start(config)) {
            Files.writeString(config, common(tokenFile) + webpush + "\"mailto:b@example.com\"\n");
            assertThat(server.pushReloader().reload().changed()).singleElement().asString().startsWith("push.webpush: subject mailto:a");

            io.sipwake.push.webpush.testing.TestVapidKeys.write(key); // a new key under the same name
            ConfigException e = catchThrowableOfType(ConfigException.class, () -> server.pushReloader().reload());
            assertThat(e).hasMessageContaining("push.webpush.vapid-private-key: a new VAPID key takes a restart");
        }
    }

    @Test
    void reloadWithoutAConfigFileSaysThereIsNothingToReload() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("admin-token"), "t0ken-" + UUID.randomUUID());
        try (SipwakeServer server = SipwakeServer.start(ConfigLoader.load(Files.writeString(dir.resolve("s.yaml"), common(tokenFile)), Map.of()))) {
            Cli.Result r = reload(server, tokenFile);
            assertThat(r.exitCode()).isEqualTo(SipwakeCommand.EXIT_FAILURE);
            assertThat(r.err()).contains("started without a config file (-c FILE): there is nothing to reload (HTTP 409)");
        }
    }
}

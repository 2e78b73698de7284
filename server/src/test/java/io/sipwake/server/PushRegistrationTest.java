package io.sipwake.server;

import static io.sipwake.server.PushTestSupport.BUNDLE;
import static io.sipwake.server.PushTestSupport.KEY_ID;
import static io.sipwake.server.PushTestSupport.TEAM;
import static io.sipwake.server.PushTestSupport.pushConfig;
import static io.sipwake.testing.SippMessage.response;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.push.apns.testing.MockApns;
import io.sipwake.testing.PeerTransport;
import io.sipwake.testing.Peers;
import io.sipwake.testing.Sipp;
import io.sipwake.testing.SippResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 8599 §5.6.1 as a SIPp phone sees it: the query REGISTER and the 555 for a provider sipwake cannot push to. */
class PushRegistrationTest {

    @Test
    void queryRegisterIsAnsweredWithTheSupportedProvidersAndCreatesNoBinding_5_6_1_2(@TempDir Path dir) throws Exception {
        Peers.require("sipp");
        try (MockApns apns = MockApns.start(Files.createDirectories(dir.resolve("apns")), TEAM, KEY_ID, Set.of(BUNDLE));
                TestServer server = TestServer.start(dir, "", "", pushConfig(apns, "30s"))) {
            SippResult query = Sipp.scenario("sipp/register-query.xml").remote("127.0.0.1", server.port()).transport(PeerTransport.UDP)
                    .service("alice").auth("alice", TestServer.PASSWORD).key("pn", ";pn-provider").run();
            assertThat(query).matches(SippResult::succeeded, "200 with Feature-Caps +sip.pns");
            assertThat(query.received(response(200, "REGISTER")).get(0).headers("Feature-Caps"))
                    .containsExactlyInAnyOrder("*;+sip.pns=\"apns\"");
            assertThat(server.server().locations().lookup("sip:alice@127.0.0.1")).as("a query creates no binding").isEmpty();
        }
    }

    @Test
    void registerForAProviderSipwakeCannotPushToGets555_5_6_1_1(@TempDir Path dir) throws Exception {
        Peers.require("sipp");
        try (MockApns apns = MockApns.start(Files.createDirectories(dir.resolve("apns")), TEAM, KEY_ID, Set.of(BUNDLE));
                TestServer server = TestServer.start(dir, "", "", pushConfig(apns, "30s"))) {
            SippResult refused = Sipp.scenario("sipp/register-push.xml").remote("127.0.0.1", server.port()).transport(PeerTransport.UDP)
                    .service("alice").auth("alice", TestServer.PASSWORD)
                    .key("pn", ";pn-provider=fcm;pn-param=929724111839;pn-prid=f1EwemxKT-CA3J6IQ98pRT").run();
            assertThat(refused.succeeded()).as("the phone expected 200").isFalse();
            assertThat(refused.received(response(555, "REGISTER"))).singleElement()
                    .satisfies(r -> assertThat(r.headers("Feature-Caps")).containsExactly("*;+sip.pns=\"apns\""));
            assertThat(server.server().locations().lookup("sip:alice@127.0.0.1")).isEmpty();
        }
    }
}

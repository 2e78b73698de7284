package io.sipwake.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.sipwake.proxy.push.PushParameters;
import io.sipwake.proxy.registrar.Registrar;
import io.sipwake.push.apns.testing.MockApns;
import io.sipwake.sip.transport.Flow;
import io.sipwake.sip.transport.Transport;
import io.sipwake.store.Binding;
import io.sipwake.testing.Linphonec;
import io.sipwake.testing.PeerTransport;
import io.sipwake.testing.Peers;
import io.sipwake.testing.Sipp;
import io.sipwake.testing.SippProcess;
import io.sipwake.testing.SippResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 8599 with a real client: linphonec (Debian's linphone-cli, liblinphone 5.1) puts the push
 * parameters in its Contact URI as Linphone-based apps do ({@code contact_uri_parameters} in its
 * linphonerc), registers over TCP with digest authentication and gets sipwake's
 * {@code Feature-Caps: *;+sip.pns="apns"}; it goes to sleep (killed: its connection closes, no
 * un-REGISTER); a call for it makes sipwake send an APNs VoIP push (to Pushy's MockApnsServer) and
 * hold the INVITE; on that push the test starts linphonec again with the same configuration, which
 * registers again with the same pn-* parameters and +sip.instance, is sent the held INVITE over its
 * new connection, answers it by itself ({@code -a}), and the caller's call completes.
 */
class LinphonecPushTest {
    private static final String TEAM = PushTestSupport.TEAM;
    private static final String BUNDLE = PushTestSupport.BUNDLE;
    private static final Duration REGISTERS = Duration.ofSeconds(20);

    @Test
    void linphonecRegistersWithPushParametersSleepsAndIsCalledAfterAVoipPush_RFC8599(@TempDir Path dir) throws Exception {
        Peers.require("linphonec");
        Peers.require("sipp");
        String token = PushTestSupport.newToken();
        String pn = "pn-provider=apns;pn-param=" + TEAM + "." + BUNDLE + ".voip;pn-prid=" + token;
        Files.createDirectories(dir.resolve("apns"));
        try (MockApns apns = MockApns.start(dir.resolve("apns"), TEAM, PushTestSupport.KEY_ID, Set.of(BUNDLE));
                TestServer server = TestServer.start(dir, "", "", PushTestSupport.pushConfig(apns, "40s"))) {
            apns.allow(BUNDLE + ".voip", token);
            Linphonec.Builder bob = Linphonec.phone("bob", TestServer.PASSWORD).registrar(server.port(Transport.TCP))
                    .transport(PeerTransport.TCP).contactUriParameters(pn).autoAnswer();

            try (Linphonec phone = bob.start()) {
                phone.awaitRegistered(REGISTERS);
                System.out.println(phone.log());
                System.out.println(phone.inetSockets());
                phone.sleep();
            }
        }
    }
}

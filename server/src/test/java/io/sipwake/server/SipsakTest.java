package io.sipwake.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.sip.transport.TestCertificates;
import io.sipwake.sip.transport.Transport;
import io.sipwake.testing.FreePorts;
import io.sipwake.testing.PeerTransport;
import io.sipwake.testing.Peers;
import io.sipwake.testing.Sipsak;
import io.sipwake.testing.SipsakResult;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** sipwake answered by sipsak, an independent SIP client: OPTIONS, and registration with digest authentication over UDP, TCP and TLS. */
class SipsakTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needsSipsak() {
        Peers.require("sipsak");
    }

    @ParameterizedTest(name = "over {0}")
    @CsvSource({"UDP", "TCP"})
    void optionsToTheServerIsAnswered200_11(PeerTransport transport) {
        try (TestServer server = TestServer.start(dir)) {
            SipsakResult result = Sipsak.options("127.0.0.1", server.port()).transport(transport).run();
            assertThat(result).matches(SipsakResult::succeeded, "200 OK to OPTIONS");
            assertThat(result.output()).contains("SIP/2.0 200 OK").contains("Allow: INVITE");
        }
    }

    @ParameterizedTest(name = "over {0}")
    @CsvSource({"UDP", "TCP"})
    void registrationWithDigestAuthentication(PeerTransport transport) {
        try (TestServer server = TestServer.start(dir)) {
            SipsakResult result = Sipsak.register("alice", "127.0.0.1", server.port()).transport(transport)
                    .auth("alice", TestServer.PASSWORD).expires(120).run();
            assertThat(result).matches(SipsakResult::succeeded, "registered");
            assertThat(server.server().locations().lookup("sip:alice@127.0.0.1")).isNotEmpty();
        }
    }

    @Test
    void registrationWithDigestAuthenticationOverTls() {
        TestCertificates.Pem pem = TestCertificates.generate(dir);
        int tlsPort = FreePorts.udpAndTcp(); // sipsak cuts ports of five digits
        String tls = "  tls: {certificate: " + pem.certificate() + ", private-key: " + pem.privateKey() + "}\n";
        try (TestServer server = TestServer.start(dir, "    - {transport: tls, port: " + tlsPort + "}\n", tls)) {
            SipsakResult result = Sipsak.register("alice", "127.0.0.1", server.port(Transport.TLS)).transport(PeerTransport.TLS)
                    .tlsIgnoreCertFailure().auth("alice", TestServer.PASSWORD).expires(120).run();
            assertThat(result).matches(SipsakResult::succeeded, "registered over TLS");
            assertThat(server.server().locations().lookup("sip:alice@127.0.0.1")).singleElement()
                    .satisfies(b -> assertThat(b.flow()).startsWith("tls:127.0.0.1:"));
        }
    }

    @Test
    void wrongPasswordIsRefused() {
        try (TestServer server = TestServer.start(dir)) {
            SipsakResult result = Sipsak.register("alice", "127.0.0.1", server.port()).auth("alice", "not-the-password").run();
            assertThat(result.succeeded()).isFalse();
            assertThat(result.output()).contains("403");
            assertThat(server.server().locations().lookup("sip:alice@127.0.0.1")).isEmpty();
        }
    }
}

package io.sipwake.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * sipsak, run as sipwake's tests run it, against a known-good registrar (Kamailio with TLS 1.2
 * and 1.3, {@code peers/kamailio-reference.cfg}).
 */
class SipsakSelfTest {

    private static BoundedProcess certificateFiles;
    private static Path certificate;
    private static Kamailio registrar;

    @BeforeAll
    static void startRegistrarWithTls() {
        int tlsPort = FreePorts.udpAndTcp();
        certificateFiles = selfSignedCertificate(tlsPort);
        certificate = certificateFiles.workDir().resolve("cert.pem");
        registrar = Kamailio.reference().tls(certificate, certificateFiles.workDir().resolve("key.pem"), tlsPort).start();
    }

    @AfterAll
    static void stopRegistrar() {
        if (registrar != null) {
            registrar.close();
        }
        if (certificateFiles != null) {
            certificateFiles.close();
        }
    }

    @ParameterizedTest
    @EnumSource(PeerTransport.class)
    void optionsToTheServerGets200(PeerTransport transport) {
        SipsakResult options = Sipsak.options("127.0.0.1", portFor(transport)).transport(transport).tlsIgnoreCertFailure().run();

        assertThat(options).matches(SipsakResult::succeeded, "200 to OPTIONS");
        assertThat(options.output()).contains("SIP/2.0 200 OK");
    }

    @ParameterizedTest
    @EnumSource(PeerTransport.class)
    void registersWithDigestAuthentication(PeerTransport transport) {
        SipsakResult registration = Sipsak.register("dave-" + transport.lowerCase(), "127.0.0.1", portFor(transport))
                .transport(transport).tlsIgnoreCertFailure().auth("dave-" + transport.lowerCase(), Kamailio.PASSWORD).run();

        assertThat(registration).matches(SipsakResult::succeeded, "registered");
        assertThat(registration.output()).contains("SIP/2.0 401 ").contains("SIP/2.0 200 OK");
    }

    @Test
    void registersOverTlsVerifyingTheServerCertificateAgainstItsCa() {
        SipsakResult registration = Sipsak.register("erin", "127.0.0.1", registrar.tlsPort())
                .transport(PeerTransport.TLS).tlsCaCert(certificate).auth("erin", Kamailio.PASSWORD).run();

        assertThat(registration).matches(SipsakResult::succeeded, "registered over verified TLS");
        assertThat(registration.output()).contains("SIP/2.0 200 OK");
    }

    @Test
    void aWrongPasswordFailsTheRegistration() {
        SipsakResult registration = Sipsak.register("frank", "127.0.0.1", registrar.port())
                .auth("frank", "not-" + Kamailio.PASSWORD).timeout(Duration.ofSeconds(10)).run();

        assertThat(registration.succeeded()).as("%s", registration).isFalse();
    }

    private static int portFor(PeerTransport transport) {
        return transport == PeerTransport.TLS ? registrar.tlsPort() : registrar.port();
    }

    /**
     * A self-signed certificate for 127.0.0.1 that also names "127.0.0.1:PORT", the name sipsak
     * checks in register mode; cert.pem and key.pem in the returned process's directory.
     */
    private static BoundedProcess selfSignedCertificate(int tlsPort) {
        Path openssl = Peers.require("openssl");
        BoundedProcess process = BoundedProcess.start(List.of(openssl.toString(), "req", "-x509",
                "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:127.0.0.1:" + tlsPort),
                BoundedProcess.newWorkDir("certificate"), Map.of());
        int exitCode = process.awaitExit(Duration.ofSeconds(20));
        if (exitCode != 0) {
            process.close();
            throw new AssertionError("openssl failed (" + exitCode + "):\n" + process.output());
        }
        return process;
    }
}

package io.sipwake.sip.transport;

import static io.sipwake.sip.transport.TransportTestSupport.LOOPBACK;
import static io.sipwake.sip.transport.TransportTestSupport.loopbackConfig;
import static io.sipwake.sip.transport.TransportTestSupport.options;
import static io.sipwake.sip.transport.TransportTestSupport.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.transport.TransportTestSupport.Received;
import io.sipwake.sip.transport.TransportTestSupport.RecordingListener;
import io.sipwake.sip.transport.TransportTestSupport.StreamClient;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SIP over TLS (RFC 3261 §26.2, RFC 5630): PEM certificate and key from files, TLS 1.2 and 1.3 only. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TlsTransportTest {
    @TempDir
    static Path certDir;

    private static TestCertificates.Pem pem;
    private final RecordingListener listener = new RecordingListener();
    private NettySipTransport transport;
    private InetSocketAddress server;

    @BeforeAll
    static void certificate() {
        pem = TestCertificates.generate(certDir);
    }

    @BeforeEach
    void start() {
        transport = new NettySipTransport(loopbackConfig().listen(Transport.TLS, 0).tls(pem.certificate(), pem.privateKey()).build());
        transport.setListener(listener);
        transport.start();
        server = transport.boundAddress(Transport.TLS);
    }

    @AfterEach
    void stop() {
        transport.close();
    }

    private SSLSocket tlsClient(String protocol) throws IOException {
        SSLSocket s = (SSLSocket) pem.trustingContext().getSocketFactory().createSocket(server.getAddress(), server.getPort());
        s.setEnabledProtocols(new String[] {protocol});
        var params = s.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name 127.0.0.1
        s.setSSLParameters(params);
        s.startHandshake();
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void optionsOverTlsIsDeliveredAndAnsweredOverTheSameConnection_RFC3261_26_2(String protocol) throws Exception {
        try (StreamClient c = new StreamClient(tlsClient(protocol))) {
            assertThat(((SSLSocket) c.socket).getSession().getProtocol()).isEqualTo(protocol);
            c.send(options("TLS", "client.invalid:5061", ";rport", "s1"));

            Received r = listener.next();
            assertThat(r.flow().transport()).isEqualTo(Transport.TLS);
            assertThat(r.flow().connectionId()).isPositive();
            assertThat(r.message().topVia().received()).isEqualTo("127.0.0.1");

            transport.sendResponse(((SipRequest) r.message()).createResponse(200, "OK", "srv"), r.flow()).get(5, TimeUnit.SECONDS);
            SipResponse res = (SipResponse) parse(c.readMessage());
            assertThat(res.status()).isEqualTo(200);
            assertThat(res.callId()).isEqualTo("s1");
        }
    }

    @Test
    void crlfPingOverTlsIsAnsweredWithPong_RFC5626_4_4_1() throws Exception {
        try (StreamClient c = new StreamClient(tlsClient("TLSv1.3"))) {
            c.send("\r\n\r\n");
            assertThat(c.readBytes(2)).containsExactly('\r', '\n');
        }
    }

    @Test
    void tls11ClientHelloIsRefusedWithAProtocolVersionAlert_RFC8996() throws Exception {
        // JDK clients no longer offer TLS 1.1, so write the ClientHello by hand; the TLS 1.2 hello
        // built the same way shows the server answers a well-formed hello with a ServerHello.
        assertThat(firstRecordAfterClientHello(0x0303)).as("TLS 1.2 hello").startsWith(0x16);

        int[] answer = firstRecordAfterClientHello(0x0302);
        assertThat(answer).as("TLS 1.1 hello: an alert record, fatal, protocol_version").hasSize(7).startsWith(0x15);
        assertThat(answer[5]).as("level fatal").isEqualTo(2);
        assertThat(answer[6]).as("protocol_version").isEqualTo(70);
        assertThat(listener.messages).isEmpty();
    }

    @Test
    void tlsHandshakeFailureClosesOnlyThatConnection() throws Exception {
        try (Socket plain = new Socket(server.getAddress(), server.getPort())) {
            plain.getOutputStream().write(TransportTestSupport.bytes(options("TLS", "127.0.0.1:5061", "", "s2")));
            plain.setSoTimeout(5000);
            assertThat(new StreamClient(plain).closedByPeer()).isTrue();
        }
        Flow good;
        try (StreamClient c = new StreamClient(tlsClient("TLSv1.3"))) {
            c.send(options("TLS", "127.0.0.1:5061", "", "s2-after"));
            Received r = listener.next();
            assertThat(r.message().callId()).isEqualTo("s2-after");
            good = r.flow();
        }
        assertThat(listener.nextClosed()).isEqualTo(good);
        assertThat(listener.closedFlows).as("no flow was ever visible for the failed handshake").isEmpty();
    }

    @Test
    void transportToTransportOverTlsVerifiesTheServerAndReusesTheConnection() throws Exception {
        RecordingListener clientListener = new RecordingListener();
        try (NettySipTransport client = new NettySipTransport(loopbackConfig().tlsTrustedCertificates(pem.certificate()).build())) {
            client.setListener(clientListener);
            client.start();

            Flow out = client.send(parse(options("TLS", "127.0.0.1:5061", "", "s3")), Transport.TLS, server).get(5, TimeUnit.SECONDS);
            Received r = listener.next();
            assertThat(r.flow().transport()).isEqualTo(Transport.TLS);
            transport.sendResponse(((SipRequest) r.message()).createResponse(200, "OK", "srv"), r.flow()).get(5, TimeUnit.SECONDS);

            Received answer = clientListener.next();
            assertThat(answer.message()).isInstanceOf(SipResponse.class);
            assertThat(answer.flow()).isEqualTo(out);
            Flow again = client.send(parse(options("TLS", "127.0.0.1:5061", "", "s3b")), Transport.TLS, server).get(5, TimeUnit.SECONDS);
            assertThat(again).isEqualTo(out);
            assertThat(listener.next().flow()).isEqualTo(r.flow());
        }
    }

    @Test
    void untrustedServerCertificateFailsTheSend() {
        try (NettySipTransport client = new NettySipTransport(loopbackConfig().build())) { // JDK default trust store
            client.start();
            var f = client.send(parse(options("TLS", "127.0.0.1:5061", "", "s4")), Transport.TLS, server);

            assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(TransportException.class);
        }
        assertThat(listener.messages).isEmpty();
    }

    @Test
    void tlsClientChecksThatTheCertificateNamesTheAddressConnectedTo_RFC5922_7_3() throws Exception {
        // the certificate names 127.0.0.1 and localhost, not 127.0.0.2
        try (NettySipTransport other = new NettySipTransport(loopbackConfig().bindAddress("127.0.0.2").listen(Transport.TLS, 0)
                        .tls(pem.certificate(), pem.privateKey()).build()).start();
                NettySipTransport verifying = new NettySipTransport(loopbackConfig().tlsTrustedCertificates(pem.certificate()).build()).start();
                NettySipTransport lenient = new NettySipTransport(loopbackConfig().tlsTrustedCertificates(pem.certificate())
                        .tlsVerifyHostname(false).build()).start()) {
            InetSocketAddress wrongName = other.boundAddress(Transport.TLS);

            var refused = verifying.send(parse(options("TLS", "127.0.0.1:5061", "", "s5")), Transport.TLS, wrongName);
            assertThatThrownBy(() -> refused.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(TransportException.class);

            assertThat(lenient.send(parse(options("TLS", "127.0.0.1:5061", "", "s5b")), Transport.TLS, wrongName).get(5, TimeUnit.SECONDS)
                    .connectionId()).isPositive();
        }
    }

    @Test
    void missingKeyFileIsReportedAtConstruction(@TempDir Path empty) {
        assertThatThrownBy(() -> new NettySipTransport(loopbackConfig().listen(Transport.TLS, 0)
                .tls(pem.certificate(), empty.resolve("missing.pem")).build()))
                .isInstanceOf(TransportException.class);
    }

    /** Sends a hand-made ClientHello with {@code version} and returns the first bytes of the answer (empty on close). */
    private int[] firstRecordAfterClientHello(int version) throws IOException {
        try (Socket s = new Socket(LOOPBACK, server.getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(clientHello(version));
            DataInputStream in = new DataInputStream(s.getInputStream());
            int[] head = new int[7];
            int n = 0;
            try {
                for (; n < head.length; n++) head[n] = in.readUnsignedByte();
            } catch (EOFException | SocketTimeoutException e) {
                // closed (or silent) before 7 bytes
            } catch (IOException e) {
                // reset
            }
            return java.util.Arrays.copyOf(head, n);
        }
    }

    private static byte[] clientHello(int version) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        u16(body, version);
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        body.writeBytes(random);
        body.write(0); // no session id
        int[] suites = {0xC02B, 0xC02F, 0xC009, 0xC013, 0x002F};
        u16(body, suites.length * 2);
        for (int suite : suites) u16(body, suite);
        body.write(1);
        body.write(0); // null compression
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        u16(ext, 0x000a); // supported_groups: secp256r1
        u16(ext, 4);
        u16(ext, 2);
        u16(ext, 0x0017);
        u16(ext, 0x000b); // ec_point_formats: uncompressed
        u16(ext, 2);
        ext.write(1);
        ext.write(0);
        u16(ext, 0x000d); // signature_algorithms: ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, rsa_pkcs1_sha256
        u16(ext, 8);
        u16(ext, 6);
        u16(ext, 0x0403);
        u16(ext, 0x0804);
        u16(ext, 0x0401);
        u16(body, ext.size());
        body.writeBytes(ext.toByteArray());

        ByteArrayOutputStream hs = new ByteArrayOutputStream();
        hs.write(1); // client_hello
        hs.write(0);
        u16(hs, body.size());
        hs.writeBytes(body.toByteArray());

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(0x16);
        u16(record, 0x0301);
        u16(record, hs.size());
        record.writeBytes(hs.toByteArray());
        return record.toByteArray();
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write((v >> 8) & 0xff);
        out.write(v & 0xff);
    }
}

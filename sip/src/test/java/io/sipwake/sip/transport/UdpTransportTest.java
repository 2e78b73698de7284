package io.sipwake.sip.transport;

import static io.sipwake.sip.transport.TransportTestSupport.cseqMismatch;
import static io.sipwake.sip.transport.TransportTestSupport.loopbackConfig;
import static io.sipwake.sip.transport.TransportTestSupport.options;
import static io.sipwake.sip.transport.TransportTestSupport.parse;
import static io.sipwake.sip.transport.TransportTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.message.Via;
import io.sipwake.sip.parser.ParseLimits;
import io.sipwake.sip.transport.TransportTestSupport.Received;
import io.sipwake.sip.transport.TransportTestSupport.RecordingListener;
import io.sipwake.sip.transport.TransportTestSupport.UdpClient;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UdpTransportTest {
    private final RecordingListener listener = new RecordingListener();
    private NettySipTransport transport;
    private InetSocketAddress server;
    private UdpClient client;

    @BeforeEach
    void start() throws Exception {
        transport = new NettySipTransport(loopbackConfig()
                .listen(Transport.UDP, 0)
                .parseLimits(new ParseLimits(4096, 2048, 64, 1024))
                .build());
        transport.setListener(listener);
        transport.start();
        server = transport.boundAddress(Transport.UDP);
        client = new UdpClient();
    }

    @AfterEach
    void stop() {
        client.close();
        transport.close();
    }

    @Test
    void udpRequestIsDeliveredWithReceivedAndRportAdded_RFC3581_4() throws Exception {
        client.send(options("UDP", "192.0.2.7:5070", ";rport", "c1"), server);

        Received r = listener.next();
        Via top = r.message().topVia();
        assertThat(top.received()).isEqualTo("127.0.0.1");
        assertThat(top.rport()).isEqualTo(client.port());
        assertThat(top.host()).isEqualTo("192.0.2.7");
        assertThat(top.port()).isEqualTo(5070);
        assertThat(r.message().vias()).hasSize(1);
        assertThat(r.flow().transport()).isEqualTo(Transport.UDP);
        assertThat(r.flow().remote()).isEqualTo(new InetSocketAddress(TransportTestSupport.LOOPBACK, client.port()));
        assertThat(r.flow().local()).isEqualTo(server);
        assertThat(r.flow().connectionId()).isZero();
        assertThat(r.thread()).startsWith("sipwake-io");
    }

    @Test
    void receivedIsAddedWhenSentByIsADomainName_RFC3261_18_2_1() throws Exception {
        client.send(options("UDP", "phone.example.com:5060", "", "c2"), server);

        Via top = listener.next().message().topVia();
        assertThat(top.received()).isEqualTo("127.0.0.1");
        assertThat(top.hasRport()).isFalse();
    }

    @Test
    void viaIsLeftAloneWhenSentByIsTheSourceAddressAndNoRportIsAsked_RFC3261_18_2_1() throws Exception {
        String text = options("UDP", "127.0.0.1:" + client.port(), "", "c3");
        client.send(text, server);

        SipMessage m = listener.next().message();
        assertThat(m.topVia().received()).isNull();
        assertThat(m.header("Via")).isEqualTo(parse(text).header("Via"));
    }

    @Test
    void onlyTheTopViaIsRewrittenWhenSeveralShareALine_RFC3261_7_3_1() throws Exception {
        String text = options("UDP", "192.0.2.7", ";rport", "c4")
                .replace(";rport\r\n", ";rport, SIP/2.0/UDP 198.51.100.1;branch=z9hG4bKlower\r\n");
        client.send(text, server);

        SipMessage m = listener.next().message();
        assertThat(m.vias()).hasSize(2);
        assertThat(m.vias().get(0).received()).isEqualTo("127.0.0.1");
        assertThat(m.vias().get(0).rport()).isEqualTo(client.port());
        assertThat(m.vias().get(1).host()).isEqualTo("198.51.100.1");
        assertThat(m.vias().get(1).received()).isNull();
    }

    @Test
    void udpResponseGoesToReceivedAndRport_RFC3581_4() throws Exception {
        // sent-by names an unroutable address and port: only received/rport can reach the client
        client.send(options("UDP", "192.0.2.7:5070", ";rport", "c5"), server);
        Received r = listener.next();

        SipResponse ok = ((SipRequest) r.message()).createResponse(200, "OK", "srv");
        Flow used = transport.sendResponse(ok, r.flow()).get(5, TimeUnit.SECONDS);

        DatagramPacket p = client.receivePacket();
        assertThat(p.getPort()).as("sent from the listening socket").isEqualTo(server.getPort());
        SipMessage got = parse(java.util.Arrays.copyOf(p.getData(), p.getLength()));
        assertThat(((SipResponse) got).status()).isEqualTo(200);
        assertThat(got.topVia().rport()).isEqualTo(client.port());
        assertThat(used.remote().getPort()).isEqualTo(client.port());
    }

    @Test
    void udpResponseWithoutRportGoesToTheSentByPort_RFC3261_18_2_2() throws Exception {
        try (UdpClient sentBy = new UdpClient()) {
            client.send(options("UDP", "127.0.0.1:" + sentBy.port(), "", "c6"), server);
            Received r = listener.next();

            transport.sendResponse(((SipRequest) r.message()).createResponse(200, "OK", "srv"), r.flow()).get(5, TimeUnit.SECONDS);

            assertThat(parse(sentBy.receive()).isRequest()).isFalse();
            assertThat(client.silentFor(200)).as("nothing to the source port").isTrue();
        }
    }

    @Test
    void malformedRequestIsAnswered400WithReason_RFC3261_21_4_1() throws Exception {
        client.send(cseqMismatch("UDP", "127.0.0.1:" + client.port(), "c7"), server);

        SipResponse res = (SipResponse) parse(client.receive());
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.reason()).contains("CSeq method INVITE does not match OPTIONS");
        assertThat(res.callId()).isEqualTo("c7");
        assertThat(transport.rejectedMessages()).isEqualTo(1);
        listener.assertNothingWithin(100);

        assertValidMessageStillDelivered("c7-after");
    }

    @Test
    void reasonPhraseOfA400IsPrintableAscii() throws Exception {
        // a Request-URI with a control character and non-ASCII bytes makes the parser quote the bad input
        String text = options("UDP", "127.0.0.1:" + client.port(), "", "c8")
                .replace("OPTIONS sip:sipwake@127.0.0.1 SIP/2.0", "OPTIONS sip:\u00e9\u0001@[bad SIP/2.0");
        client.send(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), server);

        String res = client.receive();
        String statusLine = res.substring(0, res.indexOf("\r\n"));
        assertThat(statusLine).startsWith("SIP/2.0 400 ");
        assertThat(statusLine.chars()).allMatch(c -> c >= 0x20 && c <= 0x7e);
    }

    @Test
    void garbageIsDroppedAndCounted() throws Exception {
        byte[] junk = new byte[600];
        new Random(42).nextBytes(junk);
        client.send(junk, server);
        client.send("NOT SIP AT ALL\r\n\r\n", server);

        await().atMost(Duration.ofSeconds(5)).until(() -> transport.droppedMessages() == 2);
        assertThat(client.silentFor(200)).isTrue();
        assertThat(transport.rejectedMessages()).isZero();

        assertValidMessageStillDelivered("c9-after");
    }

    @Test
    void requestWithoutTheHeadersToAnswerItIsDropped_RFC3261_8_2_6_2() throws Exception {
        String noVia = options("UDP", "127.0.0.1", "", "c10").replaceAll("Via: [^\r]*\r\n", "");
        client.send(noVia, server);

        await().atMost(Duration.ofSeconds(5)).until(() -> transport.droppedMessages() == 1);
        assertThat(client.silentFor(200)).isTrue();
        assertValidMessageStillDelivered("c10-after");
    }

    @Test
    void responseWithUnparseableTopViaIsDropped_RFC3261_18_1_2() throws Exception {
        String response = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP @@@;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\n"
                + "To: <sip:c@d>;tag=2\r\nCall-ID: c11\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        client.send(response, server);

        await().atMost(Duration.ofSeconds(5)).until(() -> transport.droppedMessages() == 1);
        listener.assertNothingWithin(100);
        assertValidMessageStillDelivered("c11-after");
    }

    @Test
    void oversizedRequestIsAnswered513_RFC3261_21_5_14() throws Exception {
        client.send(request("MESSAGE", "UDP", "127.0.0.1:" + client.port(), "", "c12", "x".repeat(5000)), server);

        SipResponse res = (SipResponse) parse(client.receive());
        assertThat(res.status()).isEqualTo(513);
        assertValidMessageStillDelivered("c12-after");
    }

    @Test
    void crlfKeepAliveDatagramsAreIgnored() throws Exception {
        client.send("\r\n\r\n", server);

        await().atMost(Duration.ofSeconds(5)).until(() -> transport.stats().keepAlivePings() == 1);
        assertThat(transport.droppedMessages()).isZero();
        assertValidMessageStillDelivered("c13-after");
    }

    @Test
    void stunBindingKeepAliveIsAnsweredWithTheMappedAddress_RFC5626_4_4_2() throws Exception {
        java.nio.ByteBuffer req = java.nio.ByteBuffer.allocate(20);
        byte[] txid = new byte[12];
        new Random(5).nextBytes(txid);
        req.putShort((short) 0x0001).putShort((short) 0).putInt(0x2112A442).put(txid);
        client.send(req.array(), server);

        DatagramPacket p = client.receivePacket();
        java.nio.ByteBuffer res = java.nio.ByteBuffer.wrap(p.getData(), 0, p.getLength());
        assertThat(res.getShort() & 0xffff).as("Binding success response").isEqualTo(0x0101);
        int length = res.getShort() & 0xffff;
        assertThat(p.getLength()).isEqualTo(20 + length);
        assertThat(res.getInt()).isEqualTo(0x2112A442);
        byte[] echoed = new byte[12];
        res.get(echoed);
        assertThat(echoed).isEqualTo(txid);
        assertThat(res.getShort() & 0xffff).as("XOR-MAPPED-ADDRESS").isEqualTo(0x0020);
        assertThat(res.getShort()).isEqualTo((short) 8);
        assertThat(res.get()).isZero();
        assertThat(res.get()).as("IPv4").isEqualTo((byte) 1);
        assertThat((res.getShort() & 0xffff) ^ 0x2112).isEqualTo(client.port());
        assertThat(res.getInt() ^ 0x2112A442).isEqualTo(0x7f000001);
        assertThat(res.getShort() & 0xffff).as("FINGERPRINT").isEqualTo(0x8028);
        assertThat(res.getShort()).isEqualTo((short) 4);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(p.getData(), 0, p.getLength() - 8);
        assertThat(res.getInt()).isEqualTo((int) crc.getValue() ^ 0x5354554e);

        assertThat(transport.droppedMessages()).isZero();
        assertValidMessageStillDelivered("c16-after");
    }

    @Test
    void udpMessagesLargerThanTheMtuAreStillSent_RFC3261_18_1_1() throws Exception {
        SipRequest big = (SipRequest) parse(request("MESSAGE", "UDP", "127.0.0.1:" + server.getPort(), "", "c14", "y".repeat(3000)));
        InetSocketAddress to = new InetSocketAddress(TransportTestSupport.LOOPBACK, client.port());

        Flow flow = transport.send(big, Transport.UDP, to).get(5, TimeUnit.SECONDS);

        assertThat(client.receive()).endsWith("y".repeat(3000));
        assertThat(flow).isEqualTo(new Flow(Transport.UDP, null, to, 0));
    }

    @Test
    void sendOverAUdpFlowUsesTheListeningSocket() throws Exception {
        client.send(options("UDP", "127.0.0.1:" + client.port(), "", "c15"), server);
        Received r = listener.next();

        transport.send(parse(options("UDP", "127.0.0.1:" + server.getPort(), "", "c15-back")), r.flow()).get(5, TimeUnit.SECONDS);

        DatagramPacket p = client.receivePacket();
        assertThat(p.getPort()).isEqualTo(server.getPort());
        assertThat(transport.isOpen(r.flow())).isTrue();
    }

    @Test
    void udpIsServedByEveryEventLoopOnOneSharedPort() throws Exception {
        Assumptions.assumeTrue(transport.isNative(), "SO_REUSEPORT sockets need epoll");
        Set<String> threads = new HashSet<>();
        for (int i = 0; i < 32; i++) {
            try (UdpClient phone = new UdpClient()) { // a new source port each: the kernel spreads sources over the sockets
                phone.send(options("UDP", "127.0.0.1:" + phone.port(), "", "c17-" + i), server);
                Received r = listener.next();
                threads.add(r.thread());

                transport.send(parse(options("UDP", "127.0.0.1:" + server.getPort(), "", "c17-back-" + i)), r.flow()).get(5, TimeUnit.SECONDS);
                assertThat(phone.receivePacket().getPort()).isEqualTo(server.getPort());
            }
        }

        assertThat(threads).hasSize(2); // loopbackConfig(): two event loops
    }

    @Test
    void aSecondServerCannotShareTheUdpPort() throws Exception {
        NettySipTransport second = new NettySipTransport(loopbackConfig().listen(Transport.UDP, server.getPort()).build());

        assertThatThrownBy(second::start)
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("cannot listen on UDP");
        assertValidMessageStillDelivered("c18-after");
    }

    private void assertValidMessageStillDelivered(String callId) throws Exception {
        client.send(options("UDP", "127.0.0.1:" + client.port(), "", callId), server);
        Received r = listener.next();
        assertThat(r.message().callId()).isEqualTo(callId);
    }
}

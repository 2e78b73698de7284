package io.sipwake.sip.transport;

import static io.sipwake.sip.transport.TransportTestSupport.bytes;
import static io.sipwake.sip.transport.TransportTestSupport.cseqMismatch;
import static io.sipwake.sip.transport.TransportTestSupport.loopbackConfig;
import static io.sipwake.sip.transport.TransportTestSupport.options;
import static io.sipwake.sip.transport.TransportTestSupport.parse;
import static io.sipwake.sip.transport.TransportTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.parser.ParseLimits;
import io.sipwake.sip.transport.TransportTestSupport.Received;
import io.sipwake.sip.transport.TransportTestSupport.RecordingListener;
import io.sipwake.sip.transport.TransportTestSupport.StreamClient;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TCP framing, keep-alives and malformed input (RFC 3261 §18.3, RFC 5626 §4.4.1). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpTransportTest {
    private final RecordingListener listener = new RecordingListener();
    private NettySipTransport transport;
    private InetSocketAddress server;

    @BeforeEach
    void start() {
        transport = new NettySipTransport(loopbackConfig()
                .listen(Transport.TCP, 0)
                .parseLimits(new ParseLimits(8192, 4096, 64, 2048))
                .build());
        transport.setListener(listener);
        transport.start();
        server = transport.boundAddress(Transport.TCP);
    }

    @AfterEach
    void stop() {
        transport.close();
    }

    @Test
    void tcpMessagesSplitAcrossSegmentsAreFramedByContentLength_RFC3261_18_3() throws Exception {
        byte[] message = bytes(request("MESSAGE", "TCP", "127.0.0.1:5060", "", "t1", "hello, split world"));
        try (StreamClient c = StreamClient.connect(server)) {
            int[] cuts = {7, 60, message.length - 5, message.length};
            int from = 0;
            for (int cut : cuts) {
                c.send(Arrays.copyOfRange(message, from, cut));
                from = cut;
                Thread.sleep(30);
            }

            Received r = listener.next();
            assertThat(r.message().callId()).isEqualTo("t1");
            assertThat(new String(r.message().body(), StandardCharsets.UTF_8)).isEqualTo("hello, split world");
            assertThat(r.flow().transport()).isEqualTo(Transport.TCP);
            assertThat(r.flow().connectionId()).isPositive();
        }
    }

    @Test
    void twoMessagesInOneTcpSegmentAreBothDelivered_RFC3261_18_3() throws Exception {
        try (StreamClient c = StreamClient.connect(server)) {
            c.send(request("MESSAGE", "TCP", "127.0.0.1:5060", "", "t2a", "first")
                    + request("MESSAGE", "TCP", "127.0.0.1:5060", "", "t2b", "second"));

            Received a = listener.next();
            Received b = listener.next();
            assertThat(a.message().callId()).isEqualTo("t2a");
            assertThat(new String(a.message().body(), StandardCharsets.UTF_8)).isEqualTo("first");
            assertThat(b.message().callId()).isEqualTo("t2b");
            assertThat(b.flow()).isEqualTo(a.flow());
        }
    }

    @Test
    void crlfPingIsAnsweredWithPong_RFC5626_4_4_1() throws Exception {
        try (StreamClient c = StreamClient.connect(server)) {
            c.send("\r\n\r\n");

            assertThat(c.readBytes(2)).containsExactly('\r', '\n');
            assertThat(c.silentFor(200)).as("a single CRLF, nothing more").isTrue();
            assertThat(transport.stats().keepAlivePings()).isEqualTo(1);

            c.send(options("TCP", "127.0.0.1:5060", "", "t3"));
            assertThat(listener.next().message().callId()).isEqualTo("t3");
        }
    }

    @Test
    void crlfPingBetweenMessagesIsAnsweredAndTheMessagesAreDelivered_RFC5626_4_4_1() throws Exception {
        try (StreamClient c = StreamClient.connect(server)) {
            c.send(options("TCP", "127.0.0.1:5060", "", "t4a") + "\r\n\r\n" + options("TCP", "127.0.0.1:5060", "", "t4b"));

            assertThat(listener.next().message().callId()).isEqualTo("t4a");
            assertThat(listener.next().message().callId()).isEqualTo("t4b");
            assertThat(c.readBytes(2)).containsExactly('\r', '\n');
        }
    }

    @Test
    void requestOverTcpGetsReceivedAndRport_RFC3581_4() throws Exception {
        try (StreamClient c = StreamClient.connect(server)) {
            c.send(options("TCP", "phone.invalid:5060", ";rport", "t5"));

            Received r = listener.next();
            assertThat(r.message().topVia().received()).isEqualTo("127.0.0.1");
            assertThat(r.message().topVia().rport()).isEqualTo(c.localPort());
            assertThat(r.flow().remote().getPort()).isEqualTo(c.localPort());
        }
    }

    @Test
    void responseGoesBackOverTheRequestConnection_RFC3261_18_2_2() throws Exception {
        try (StreamClient c = StreamClient.connect(server)) {
            // sent-by names a port nobody listens on: only the connection reaches the client
            c.send(options("TCP", "127.0.0.1:9", "", "t6"));
            Received r = listener.next();

            SipResponse ok = ((SipRequest) r.message()).createResponse(200, "OK", "srv");
            Flow used = transport.sendResponse(ok, r.flow()).get(5, TimeUnit.SECONDS);

            SipResponse got = (SipResponse) parse(c.readMessage());
            assertThat(got.status()).isEqualTo(200);
            assertThat(got.callId()).isEqualTo("t6");
            assertThat(used).isEqualTo(r.flow());
        }
    }

    @Test
    void malformedButFramedRequestIsAnswered400AndTheConnectionStaysUsable_RFC3261_21_4_1() throws Exception {
        try (StreamClient c = StreamClient.connect(server)) {
            c.send(cseqMismatch("TCP", "127.0.0.1:5060", "t7"));

            SipResponse res = (SipResponse) parse(c.readMessage());
            assertThat(res.status()).isEqualTo(400);
            assertThat(res.reason()).contains("CSeq method");
            assertThat(transport.rejectedMessages()).isEqualTo(1);

            c.send(options("TCP", "127.0.0.1:5060", "", "t7-after"));
            assertThat(listener.next().message().callId()).isEqualTo("t7-after");
        }
    }

    @Test
    void badContentLengthIsAnswered400AndTheConnectionClosed_RFC3261_18_3() throws Exception {
        try (StreamClient c = StreamClient.connect(server)) {
            c.send(options("TCP", "127.0.0.1:5060", "", "t8").replace("Content-Length: 0", "Content-Length: abc"));

            SipResponse res = (SipResponse) parse(c.readMessage());
            assertThat(res.status()).isEqualTo(400);
            assertThat(res.reason()).containsIgnoringCase("Content-Length");
            assertThat(c.closedByPeer()).isTrue();
        }
        assertValidMessageStillDelivered("t8-after");
    }

    @Test
    void oversizedHeadersCloseTheConnection() throws Exception {
        try (StreamClient c = StreamClient.connect(server)) {
            // no end of headers within maxHeaderBytes (4096): unframeable, not answerable
            c.send("OPTIONS sip:sipwake@127.0.0.1 SIP/2.0\r\n" + ("X-Filler: " + "z".repeat(1000) + "\r\n").repeat(6));

            assertThat(c.closedByPeer()).isTrue();
            assertThat(transport.droppedMessages()).isEqualTo(1);
        }
        assertValidMessageStillDelivered("t9-after");
    }

    @Test
    void messageLargerThanTheLimitIsAnsweredAndTheConnectionClosed() throws Exception {
        try (StreamClient c = StreamClient.connect(server)) {
            c.send(options("TCP", "127.0.0.1:5060", "", "t10").replace("Content-Length: 0", "Content-Length: 100000"));

            SipResponse res = (SipResponse) parse(c.readMessage());
            assertThat(res.status()).isEqualTo(400);
            assertThat(res.reason()).contains("too large");
            assertThat(c.closedByPeer()).isTrue();
        }
        assertValidMessageStillDelivered("t10-after");
    }

    @Test
    void garbageIsDroppedAndCounted() throws Exception {
        try (StreamClient c = StreamClient.connect(server)) {
            byte[] junk = new byte[500];
            new Random(7).nextBytes(junk);
            for (int i = 0; i < junk.length; i++) {
                if (junk[i] == '\r' || junk[i] == '\n') junk[i] = 'x';
            }
            c.send(junk);
            c.send("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

            await().atMost(Duration.ofSeconds(5)).until(() -> transport.droppedMessages() == 1);
            assertThat(transport.rejectedMessages()).isZero();
        }
        assertValidMessageStillDelivered("t11-after");
    }

    @Test
    void incompleteMessageAtConnectionCloseIsDroppedAndCounted() throws Exception {
        try (StreamClient c = StreamClient.connect(server)) {
            c.send(request("MESSAGE", "TCP", "127.0.0.1:5060", "", "t12", "0123456789").substring(0, 200));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.droppedMessages() == 1);
        listener.assertNothingWithin(100);
    }

    private void assertValidMessageStillDelivered(String callId) throws Exception {
        try (StreamClient c = StreamClient.connect(server)) {
            c.send(options("TCP", "127.0.0.1:5060", "", callId));
            assertThat(listener.next().message().callId()).isEqualTo(callId);
        }
    }
}

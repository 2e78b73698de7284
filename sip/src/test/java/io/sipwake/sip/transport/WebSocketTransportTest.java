package io.sipwake.sip.transport;

import static io.sipwake.sip.transport.TransportTestSupport.cseqMismatch;
import static io.sipwake.sip.transport.TransportTestSupport.loopbackConfig;
import static io.sipwake.sip.transport.TransportTestSupport.parse;
import static io.sipwake.sip.transport.TransportTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.transport.TransportTestSupport.Received;
import io.sipwake.sip.transport.TransportTestSupport.RecordingListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SIP over WebSocket (RFC 7118) with the JDK's WebSocket client. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WebSocketTransportTest {
    @TempDir
    static Path certDir;

    private static TestCertificates.Pem pem;
    private final RecordingListener listener = new RecordingListener();
    private NettySipTransport transport;
    private HttpClient http;

    @BeforeAll
    static void certificate() {
        pem = TestCertificates.generate(certDir);
    }

    @BeforeEach
    void start() {
        transport = new NettySipTransport(loopbackConfig()
                .listen(Transport.WS, 0)
                .listen(Transport.WSS, 0)
                .tls(pem.certificate(), pem.privateKey())
                .build());
        transport.setListener(listener);
        transport.start();
        http = HttpClient.newBuilder().sslContext(pem.trustingContext()).build();
    }

    @AfterEach
    void stop() {
        transport.close();
    }

    /** Collects what the server sends: text frames as strings, binary frames as bytes. */
    static final class Frames implements WebSocket.Listener {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final BlockingQueue<byte[]> binaries = new LinkedBlockingQueue<>();
        final BlockingQueue<Integer> closes = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                texts.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                binaries.add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closes.add(statusCode);
            return null;
        }

        String nextText() throws InterruptedException {
            String s = texts.poll(5, TimeUnit.SECONDS);
            assertThat(s).as("a text frame within 5 s").isNotNull();
            return s;
        }
    }

    private WebSocket connect(Transport t, Frames frames) throws Exception {
        URI uri = URI.create((t == Transport.WSS ? "wss" : "ws") + "://127.0.0.1:" + transport.boundAddress(t).getPort() + "/sip");
        WebSocket ws = http.newWebSocketBuilder().subprotocols("sip").buildAsync(uri, frames).get(5, TimeUnit.SECONDS);
        assertThat(ws.getSubprotocol()).isEqualTo("sip");
        return ws;
    }

    private void roundTrip(Transport t) throws Exception {
        Frames frames = new Frames();
        WebSocket ws = connect(t, frames);
        ws.sendText(request("REGISTER", t.viaName(), "df7jal23ls0d.invalid", ";rport", "w-" + t, ""), true).get(5, TimeUnit.SECONDS);

        Received r = listener.next();
        assertThat(r.flow().transport()).isEqualTo(t);
        assertThat(r.flow().connectionId()).isPositive();
        assertThat(((SipRequest) r.message()).method()).isEqualTo("REGISTER");
        assertThat(r.message().topVia().received()).isEqualTo("127.0.0.1");

        transport.sendResponse(((SipRequest) r.message()).createResponse(200, "OK", "srv"), r.flow()).get(5, TimeUnit.SECONDS);
        SipResponse res = (SipResponse) parse(frames.nextText());
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.callId()).isEqualTo("w-" + t);
        ws.abort();
    }

    @Test
    void registerOverWsIsDeliveredAndAnsweredOverTheSameWebSocket_RFC7118_5() throws Exception {
        roundTrip(Transport.WS);
    }

    @Test
    void registerOverWssIsDeliveredAndAnsweredOverTheSameWebSocket_RFC7118_5() throws Exception {
        roundTrip(Transport.WSS);
    }

    @Test
    void handshakeWithoutTheSipSubprotocolIsRefused_RFC7118_4_1() {
        URI uri = URI.create("ws://127.0.0.1:" + transport.boundAddress(Transport.WS).getPort() + "/");

        assertThatThrownBy(() -> http.newWebSocketBuilder().buildAsync(uri, new Frames()).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(400));
        assertThat(listener.messages).isEmpty();
    }

    @Test
    void handshakeOfferingOnlyOtherSubprotocolsIsRefused_RFC7118_4_1() {
        URI uri = URI.create("ws://127.0.0.1:" + transport.boundAddress(Transport.WS).getPort() + "/");

        assertThatThrownBy(() -> http.newWebSocketBuilder().subprotocols("chat", "xmpp").buildAsync(uri, new Frames()).get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(WebSocketHandshakeException.class);
    }

    @Test
    void binaryFrameCarriesOneSipMessage_RFC7118_5_2() throws Exception {
        WebSocket ws = connect(Transport.WS, new Frames());
        byte[] msg = request("MESSAGE", "WS", "x.invalid", "", "w-bin", "h\u00e9llo").getBytes(StandardCharsets.UTF_8);
        ws.sendBinary(ByteBuffer.wrap(msg), true).get(5, TimeUnit.SECONDS);

        Received r = listener.next();
        assertThat(r.message().callId()).isEqualTo("w-bin");
        assertThat(new String(r.message().body(), StandardCharsets.UTF_8)).isEqualTo("h\u00e9llo");
        ws.abort();
    }

    @Test
    void messageThatIsNotUtf8GoesOutAsABinaryFrame_RFC7118_5_2() throws Exception {
        Frames frames = new Frames();
        WebSocket ws = connect(Transport.WS, frames);
        ws.sendText(request("MESSAGE", "WS", "x.invalid", "", "w-utf", ""), true).get(5, TimeUnit.SECONDS);
        Received r = listener.next();

        SipResponse res = ((SipRequest) r.message()).createResponse(200, "OK", "srv");
        res.setBody(new byte[] {(byte) 0xff, (byte) 0xfe, 0x00}, "application/octet-stream");
        transport.sendResponse(res, r.flow()).get(5, TimeUnit.SECONDS);

        byte[] got = frames.binaries.poll(5, TimeUnit.SECONDS);
        assertThat(got).isNotNull();
        assertThat(parse(got).body()).containsExactly(0xff, 0xfe, 0x00);
        ws.abort();
    }

    @Test
    void malformedRequestOverWsIsAnswered400AndTheWebSocketStaysUsable() throws Exception {
        Frames frames = new Frames();
        WebSocket ws = connect(Transport.WS, frames);
        ws.sendText(cseqMismatch("WS", "x.invalid", "w-bad"), true).get(5, TimeUnit.SECONDS);

        SipResponse res = (SipResponse) parse(frames.nextText());
        assertThat(res.status()).isEqualTo(400);

        ws.sendText(request("OPTIONS", "WS", "x.invalid", "", "w-good", ""), true).get(5, TimeUnit.SECONDS);
        assertThat(listener.next().message().callId()).isEqualTo("w-good");
        ws.abort();
    }

    @Test
    void closingTheWebSocketFiresOnFlowClosed() throws Exception {
        WebSocket ws = connect(Transport.WS, new Frames());
        ws.sendText(request("OPTIONS", "WS", "x.invalid", "", "w-close", ""), true).get(5, TimeUnit.SECONDS);
        Flow flow = listener.next().flow();

        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);

        assertThat(listener.nextClosed()).isEqualTo(flow);
        assertThat(transport.isOpen(flow)).isFalse();
        var f = transport.send(parse(request("OPTIONS", "WS", "x.invalid", "", "w-late", "")), flow);
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(TransportException.class);
    }

    @Test
    void sendToAWebSocketPeerWithoutAnOpenConnectionFails() {
        var f = transport.send(parse(request("OPTIONS", "WS", "x.invalid", "", "w-none", "")), Transport.WS,
                new java.net.InetSocketAddress(TransportTestSupport.LOOPBACK, 9));
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(TransportException.class)
                .hasMessageContaining("WebSocket client connections are not supported");
    }
}

package io.sipwake.sip.transport;

import static io.sipwake.sip.transport.TransportTestSupport.LOOPBACK;
import static io.sipwake.sip.transport.TransportTestSupport.loopbackConfig;
import static io.sipwake.sip.transport.TransportTestSupport.options;
import static io.sipwake.sip.transport.TransportTestSupport.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.transport.TransportTestSupport.Received;
import io.sipwake.sip.transport.TransportTestSupport.RecordingListener;
import io.sipwake.sip.transport.TransportTestSupport.StreamClient;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Connection registry, client connections, idle timeout, flows and life cycle. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionManagementTest {
    private final RecordingListener listener = new RecordingListener();
    private NettySipTransport transport;

    private NettySipTransport start(TransportConfig.Builder config) {
        transport = new NettySipTransport(config.build());
        transport.setListener(listener);
        return transport.start();
    }

    @AfterEach
    void stop() {
        if (transport != null) transport.close();
    }

    @Test
    void listeningPointsReportTheActuallyBoundPorts() {
        start(loopbackConfig().listen(Transport.UDP, 0).listen(Transport.TCP, 0));

        assertThat(transport.listeningPoints()).extracting(ListeningPoint::transport).containsExactly(Transport.UDP, Transport.TCP);
        for (ListeningPoint lp : transport.listeningPoints()) {
            assertThat(lp.port()).isPositive().isEqualTo(transport.boundAddress(lp.transport()).getPort());
            assertThat(lp.host()).isEqualTo("127.0.0.1");
        }
        assertThat(transport.listeningPoint(Transport.TLS)).isNull();
    }

    @Test
    void advertisedHostIsConfigurable() {
        start(loopbackConfig().advertisedHost("sip.example.com").listen(Transport.TCP, 0));

        assertThat(transport.listeningPoint(Transport.TCP).host()).isEqualTo("sip.example.com");
    }

    @Test
    void bindFailureIsReportedAsTransportException() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, LOOPBACK)) {
            NettySipTransport t = new NettySipTransport(loopbackConfig().listen(Transport.TCP, taken.getLocalPort()).build());
            assertThatThrownBy(t::start).isInstanceOf(TransportException.class).hasMessageContaining("cannot listen on TCP");
            t.close();
        }
    }

    @Test
    void eachConnectionGetsItsOwnPositiveIdAndUdpFlowsHaveZero() throws Exception {
        start(loopbackConfig().listen(Transport.TCP, 0).listen(Transport.UDP, 0));
        try (StreamClient a = StreamClient.connect(transport.boundAddress(Transport.TCP));
                StreamClient b = StreamClient.connect(transport.boundAddress(Transport.TCP));
                TransportTestSupport.UdpClient u = new TransportTestSupport.UdpClient()) {
            a.send(options("TCP", "127.0.0.1:5060", "", "m1a"));
            Flow fa = listener.next().flow();
            b.send(options("TCP", "127.0.0.1:5060", "", "m1b"));
            Flow fb = listener.next().flow();
            u.send(options("UDP", "127.0.0.1:" + u.port(), "", "m1c"), transport.boundAddress(Transport.UDP));
            Flow fu = listener.next().flow();

            assertThat(fa.connectionId()).isPositive();
            assertThat(fb.connectionId()).isPositive().isNotEqualTo(fa.connectionId());
            assertThat(fu.connectionId()).isZero();
            assertThat(Flow.parseToken(fa.token())).isEqualTo(fa);
        }
    }

    @Test
    void sendToATcpDestinationOpensAClientConnectionAndThenReusesIt() throws Exception {
        start(loopbackConfig().listen(Transport.TCP, 0));
        try (ServerSocket peer = new ServerSocket(0, 5, LOOPBACK)) {
            peer.setSoTimeout(5000);
            InetSocketAddress dest = new InetSocketAddress(LOOPBACK, peer.getLocalPort());

            Flow first = transport.send(parse(options("TCP", "127.0.0.1:5060", "", "m2a")), Transport.TCP, dest).get(5, TimeUnit.SECONDS);
            try (StreamClient accepted = new StreamClient(peer.accept())) {
                Flow second = transport.send(parse(options("TCP", "127.0.0.1:5060", "", "m2b")), Transport.TCP, dest).get(5, TimeUnit.SECONDS);

                assertThat(parse(accepted.readMessage()).callId()).isEqualTo("m2a");
                assertThat(parse(accepted.readMessage()).callId()).isEqualTo("m2b");
                assertThat(second).isEqualTo(first);
                assertThat(first.connectionId()).isPositive();
                assertThat(first.remote()).isEqualTo(dest);
                peer.setSoTimeout(300);
                assertThatThrownBy(peer::accept).as("no second connection").isInstanceOf(SocketTimeoutException.class);
                assertThat(transport.stats().connectionsOpened()).isEqualTo(1);
            }
        }
    }

    @Test
    void responsesOnAClientConnectionAreDeliveredWithItsFlow() throws Exception {
        start(loopbackConfig().listen(Transport.TCP, 0));
        try (ServerSocket peer = new ServerSocket(0, 5, LOOPBACK)) {
            peer.setSoTimeout(5000);
            InetSocketAddress dest = new InetSocketAddress(LOOPBACK, peer.getLocalPort());
            Flow flow = transport.send(parse(options("TCP", "127.0.0.1:5060", "", "m3")), Transport.TCP, dest).get(5, TimeUnit.SECONDS);
            try (StreamClient accepted = new StreamClient(peer.accept())) {
                SipRequest req = (SipRequest) parse(accepted.readMessage());
                accepted.send(req.createResponse(200, "OK", "peer").toBytes());

                Received r = listener.next();
                assertThat(r.message()).isInstanceOf(SipResponse.class);
                assertThat(r.flow()).isEqualTo(flow);
            }
        }
    }

    @Test
    void sendToAnUnresolvedDestinationResolvesItOffTheEventLoop() throws Exception {
        start(loopbackConfig().listen(Transport.TCP, 0));
        try (ServerSocket peer = new ServerSocket(0, 5, LOOPBACK)) {
            peer.setSoTimeout(5000);
            InetSocketAddress dest = InetSocketAddress.createUnresolved("localhost", peer.getLocalPort());

            Flow flow = transport.send(parse(options("TCP", "127.0.0.1:5060", "", "m4")), Transport.TCP, dest).get(5, TimeUnit.SECONDS);

            try (StreamClient accepted = new StreamClient(peer.accept())) {
                assertThat(parse(accepted.readMessage()).callId()).isEqualTo("m4");
            }
            assertThat(flow.remote().isUnresolved()).isFalse();
        }
    }

    @Test
    void refusedConnectionFailsTheSendWithTransportException_RFC3261_17_1_4() throws Exception {
        start(loopbackConfig().listen(Transport.TCP, 0));
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            closedPort = s.getLocalPort();
        }
        var f = transport.send(parse(options("TCP", "127.0.0.1:5060", "", "m5")), Transport.TCP, new InetSocketAddress(LOOPBACK, closedPort));

        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(TransportException.class);
    }

    @Test
    void sendOverAClosedFlowFailsAndOnFlowClosedFires() throws Exception {
        start(loopbackConfig().listen(Transport.TCP, 0));
        Flow flow;
        try (StreamClient c = StreamClient.connect(transport.boundAddress(Transport.TCP))) {
            c.send(options("TCP", "127.0.0.1:5060", "", "m6"));
            flow = listener.next().flow();
            assertThat(transport.isOpen(flow)).isTrue();
        }

        assertThat(listener.nextClosed()).isEqualTo(flow);
        assertThat(transport.isOpen(flow)).isFalse();
        var f = transport.send(parse(options("TCP", "127.0.0.1:5060", "", "m6b")), flow);
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(TransportException.class).hasMessageContaining("closed");
    }

    @Test
    void aStaleFlowTokenNeverSelectsAnotherPeersConnection() throws Exception {
        start(loopbackConfig().listen(Transport.TCP, 0));
        try (StreamClient c = StreamClient.connect(transport.boundAddress(Transport.TCP))) {
            c.send(options("TCP", "127.0.0.1:5060", "", "m7"));
            Flow real = listener.next().flow();
            Flow sameIdOtherPeer = new Flow(Transport.TCP, null, new InetSocketAddress(LOOPBACK, 1), real.connectionId());

            assertThat(transport.isOpen(sameIdOtherPeer)).isFalse();
            assertThatThrownBy(() -> transport.send(parse(options("TCP", "x", "", "m7b")), sameIdOtherPeer).get(5, TimeUnit.SECONDS))
                    .cause().isInstanceOf(TransportException.class);
        }
    }

    @Test
    void responseAfterTheConnectionClosedGoesOverANewConnectionToSentBy_RFC3261_18_2_2() throws Exception {
        start(loopbackConfig().listen(Transport.TCP, 0));
        try (ServerSocket phone = new ServerSocket(0, 5, LOOPBACK)) {
            phone.setSoTimeout(5000);
            Received r;
            try (StreamClient c = StreamClient.connect(transport.boundAddress(Transport.TCP))) {
                c.send(options("TCP", "127.0.0.1:" + phone.getLocalPort(), "", "m8"));
                r = listener.next();
            }
            listener.nextClosed();

            transport.sendResponse(((SipRequest) r.message()).createResponse(200, "OK", "srv"), r.flow()).get(5, TimeUnit.SECONDS);

            try (StreamClient accepted = new StreamClient(phone.accept())) {
                SipMessage got = parse(accepted.readMessage());
                assertThat(got.callId()).isEqualTo("m8");
                assertThat(((SipResponse) got).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void idleConnectionIsClosedAfterTheIdleTimeoutAndOnFlowClosedFires() throws Exception {
        start(loopbackConfig().listen(Transport.TCP, 0).idleTimeout(Duration.ofMillis(300)));
        try (StreamClient c = StreamClient.connect(transport.boundAddress(Transport.TCP))) {
            c.send(options("TCP", "127.0.0.1:5060", "", "m9"));
            Flow flow = listener.next().flow();

            assertThat(listener.nextClosed()).isEqualTo(flow);
            assertThat(c.closedByPeer()).isTrue();
            assertThat(transport.stats().idleClosures()).isEqualTo(1);
        }
    }

    @Test
    void idleConnectionIsKeptWhileTheRetentionPredicateSaysSo_RFC5626_5_2() throws Exception {
        AtomicBoolean keep = new AtomicBoolean(true);
        start(loopbackConfig().listen(Transport.TCP, 0).idleTimeout(Duration.ofMillis(200)));
        transport.setIdleRetention(flow -> keep.get());
        try (StreamClient c = StreamClient.connect(transport.boundAddress(Transport.TCP))) {
            c.send(options("TCP", "127.0.0.1:5060", "", "m10"));
            Flow flow = listener.next().flow();

            Thread.sleep(1000); // five idle periods
            assertThat(transport.isOpen(flow)).isTrue();
            assertThat(listener.closedFlows).isEmpty();
            transport.send(parse(options("TCP", "127.0.0.1:5060", "", "m10-down")), flow).get(5, TimeUnit.SECONDS);
            assertThat(parse(c.readMessage()).callId()).isEqualTo("m10-down");

            keep.set(false);
            assertThat(listener.nextClosed()).isEqualTo(flow);
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void connectionsOverTheCapAreRefused() throws Exception {
        start(loopbackConfig().listen(Transport.TCP, 0).maxConnections(1));
        try (StreamClient first = StreamClient.connect(transport.boundAddress(Transport.TCP))) {
            first.send(options("TCP", "127.0.0.1:5060", "", "m11"));
            listener.next();
            try (StreamClient second = StreamClient.connect(transport.boundAddress(Transport.TCP))) {
                assertThat(second.closedByPeer()).isTrue();
            }
            assertThat(transport.stats().connectionsRefused()).isEqualTo(1);

            first.send(options("TCP", "127.0.0.1:5060", "", "m11b"));
            assertThat(listener.next().message().callId()).isEqualTo("m11b");
        }
    }

    @Test
    void aThrowingListenerDoesNotCloseTheConnection() throws Exception {
        transport = new NettySipTransport(loopbackConfig().listen(Transport.TCP, 0).build());
        AtomicBoolean first = new AtomicBoolean(true);
        transport.setListener(new TransportListener() {
            @Override
            public void onMessage(SipMessage message, Flow source) {
                if (first.getAndSet(false)) throw new IllegalStateException("listener bug (expected by the test)");
                listener.onMessage(message, source);
            }
        });
        transport.start();
        try (StreamClient c = StreamClient.connect(transport.boundAddress(Transport.TCP))) {
            c.send(options("TCP", "127.0.0.1:5060", "", "m12a"));
            c.send(options("TCP", "127.0.0.1:5060", "", "m12b"));

            assertThat(listener.next().message().callId()).isEqualTo("m12b");
        }
    }

    @Test
    void closeIsIdempotentAndLaterSendsFail() throws Exception {
        start(loopbackConfig().listen(Transport.UDP, 0).listen(Transport.TCP, 0));
        InetSocketAddress tcp = transport.boundAddress(Transport.TCP);
        transport.close();
        transport.close();

        var f = transport.send(parse(options("UDP", "127.0.0.1:5060", "", "m13")), Transport.UDP, new InetSocketAddress(LOOPBACK, 9));
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(TransportException.class);
        assertThatThrownBy(() -> new Socket(tcp.getAddress(), tcp.getPort()).close()).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void nioIsUsedWhenNativeTransportIsNotWanted() throws Exception {
        start(loopbackConfig().listen(Transport.TCP, 0).preferNativeTransport(false));
        assertThat(transport.isNative()).isFalse();
        try (StreamClient c = StreamClient.connect(transport.boundAddress(Transport.TCP))) {
            c.send(options("TCP", "127.0.0.1:5060", "", "m14"));
            assertThat(listener.next().message().callId()).isEqualTo("m14");
        }
    }

    @Test
    void openConnectionsCountsReadyConnections() throws Exception {
        start(loopbackConfig().listen(Transport.TCP, 0));
        try (StreamClient c = StreamClient.connect(transport.boundAddress(Transport.TCP))) {
            c.send(options("TCP", "127.0.0.1:5060", "", "m15"));
            listener.next();
            assertThat(transport.openConnections()).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.openConnections() == 0);
    }
}

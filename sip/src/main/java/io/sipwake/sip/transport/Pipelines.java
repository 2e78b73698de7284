package io.sipwake.sip.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.sipwake.sip.parser.SipParser;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Builds the channel pipelines, one small handler per job.
 *
 * <pre>
 * UDP:      STUN keep-alive → datagram decoder → parse → deliver → error log
 * TCP/TLS:  idle → [tls] → stream framer → parse → deliver → connection
 * WS/WSS:   idle → [tls] → http codec → aggregator → subprotocol filter → ws protocol
 *           → frame aggregator → ws codec → parse → deliver → connection
 * </pre>
 */
final class Pipelines {
    private static final int MAX_HANDSHAKE_BYTES = 8192;
    private static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final TransportConfig config;
    private final TransportStats stats;
    private final SslContext serverSsl;
    private final SslContext clientSsl;
    private final ConnectionHandler.Events events;
    private final SipDatagramDecoder datagramDecoder;
    private final SipParseHandler parseHandler;
    private final SipDeliveryHandler deliveryHandler;
    private final SipWebSocketCodec webSocketCodec = new SipWebSocketCodec();
    private final WebSocketSubprotocolFilter subprotocolFilter = new WebSocketSubprotocolFilter();
    private final UdpErrorHandler udpErrorHandler = new UdpErrorHandler();
    private final StunKeepAliveResponder stunResponder;

    Pipelines(TransportConfig config, TransportStats stats, SslContext serverSsl, SslContext clientSsl,
            Supplier<TransportListener> listener, ConnectionHandler.Events events) {
        this.config = config;
        this.stats = stats;
        this.serverSsl = serverSsl;
        this.clientSsl = clientSsl;
        this.events = events;
        this.datagramDecoder = new SipDatagramDecoder(stats);
        this.stunResponder = new StunKeepAliveResponder(stats);
        this.parseHandler = new SipParseHandler(new SipParser(config.parseLimits()), stats);
        this.deliveryHandler = new SipDeliveryHandler(listener, stats);
    }

    void initUdp(Channel ch) {
        ch.pipeline().addLast("stun", stunResponder)
                .addLast("sip-datagram", datagramDecoder)
                .addLast("sip-parse", parseHandler)
                .addLast("sip-deliver", deliveryHandler)
                .addLast("udp-errors", udpErrorHandler);
    }

    /** An accepted connection of a TCP, TLS, WS or WSS listener. */
    void initAccepted(Channel ch, Connection c) {
        ch.attr(Connection.KEY).set(c);
        ChannelPipeline p = ch.pipeline();
        addIdle(p);
        if (c.transport().isSecure()) {
            SslHandler ssl = serverSsl.newHandler(ch.alloc());
            ssl.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS);
            p.addLast("tls", ssl);
        }
        if (c.transport() == Transport.WS || c.transport() == Transport.WSS) {
            addWebSocket(p);
        } else {
            p.addLast("sip-framer", new SipStreamFrameDecoder(config.parseLimits(), stats));
        }
        addSip(p, c);
    }

    /** An outgoing TCP or TLS connection to {@code remote}. */
    void initOutbound(Channel ch, Connection c, InetSocketAddress remote) {
        ch.attr(Connection.KEY).set(c);
        ChannelPipeline p = ch.pipeline();
        addIdle(p);
        if (c.transport() == Transport.TLS) {
            SslHandler ssl = clientSsl.newHandler(ch.alloc(), remote.getHostString(), remote.getPort());
            ssl.setHandshakeTimeoutMillis(config.connectTimeout().toMillis());
            p.addLast("tls", ssl);
        }
        p.addLast("sip-framer", new SipStreamFrameDecoder(config.parseLimits(), stats));
        addSip(p, c);
    }

    private void addIdle(ChannelPipeline p) {
        long idle = config.idleTimeout().toMillis();
        if (idle > 0) p.addLast("idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
    }

    private void addWebSocket(ChannelPipeline p) {
        int max = config.parseLimits().maxMessageBytes();
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(config.webSocketPath())
                .checkStartsWith(true)
                .subprotocols(WebSocketSubprotocolFilter.SIP_SUBPROTOCOL)
                .maxFramePayloadLength(max)
                .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS)
                .allowExtensions(false)
                .handleCloseFrames(true)
                .dropPongFrames(true)
                .build();
        p.addLast("http", new HttpServerCodec())
                .addLast("http-aggregator", new HttpObjectAggregator(MAX_HANDSHAKE_BYTES))
                .addLast("ws-subprotocol", subprotocolFilter)
                .addLast("ws", new WebSocketServerProtocolHandler(ws))
                .addLast("ws-aggregator", new WebSocketFrameAggregator(max))
                .addLast("sip-ws", webSocketCodec);
    }

    private void addSip(ChannelPipeline p, Connection c) {
        p.addLast("sip-parse", parseHandler)
                .addLast("sip-deliver", deliveryHandler)
                .addLast("connection", new ConnectionHandler(c, events));
    }
}

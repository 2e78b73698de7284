package io.sipwake.sip.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every connection pipeline: owns the connection's life cycle.
 *
 * <ul>
 *   <li>Marks the connection ready when it can carry SIP: on connect (TCP), after the TLS handshake
 *       (TLS), after the WebSocket handshake (WS, WSS).
 *   <li>On an idle event asks {@link Events#keepIdle} and closes the connection unless told to keep it.
 *   <li>On close reports {@link Events#closed}.
 *   <li>Catches every exception that reaches the end of the pipeline: logs it and closes this
 *       connection only.
 * </ul>
 *
 * <p>One instance per connection; runs on its event loop.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);

    /** What the transport does when a connection changes state. Called on the connection's event loop. */
    interface Events {
        void ready(Connection connection);

        void closed(Connection connection, Throwable cause);

        boolean keepIdle(Connection connection);
    }

    private final Connection connection;
    private final Events events;
    private Throwable failure;

    ConnectionHandler(Connection connection, Events events) {
        this.connection = connection;
        this.events = events;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (connection.transport() == Transport.TCP) events.ready(connection);
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent tls) {
            if (!tls.isSuccess()) {
                failure = tls.cause();
                log.debug("{}: TLS handshake failed: {}", connection, tls.cause().toString());
                ctx.close();
            } else if (connection.transport() == Transport.TLS) {
                events.ready(connection);
            }
        } else if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            events.ready(connection);
        } else if (evt instanceof IdleStateEvent) {
            onIdle(ctx);
        }
        super.userEventTriggered(ctx, evt);
    }

    private void onIdle(ChannelHandlerContext ctx) {
        boolean keep;
        try {
            keep = connection.isRegistered() && events.keepIdle(connection);
        } catch (RuntimeException e) {
            log.warn("{}: idle retention predicate failed; keeping the connection", connection, e);
            keep = true;
        }
        if (!keep) {
            log.debug("{}: idle; closing", connection);
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        events.closed(connection, failure);
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (failure != null) { // already failing (e.g. the TLS handshake, logged above) and closing
            ctx.close();
            return;
        }
        failure = cause;
        if (cause instanceof IOException || cause instanceof DecoderException || cause instanceof SSLException) {
            // caused by the peer: reset, broken TLS, corrupt WebSocket frames
            log.debug("{}: {}; closing", connection, cause.toString());
        } else {
            log.warn("{}: unexpected error; closing the connection", connection, cause);
        }
        ctx.close();
    }
}

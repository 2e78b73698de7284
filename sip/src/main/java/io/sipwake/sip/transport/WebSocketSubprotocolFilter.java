package io.sipwake.sip.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses, with HTTP 400, a WebSocket handshake that does not offer the {@code sip} subprotocol
 * (RFC 7118 §4.1: the client MUST include it, the server MUST NOT accept without it); Netty's
 * handshaker would otherwise accept it without a subprotocol. Removes itself once a request has
 * passed. Stateless and shared.
 */
@Sharable
final class WebSocketSubprotocolFilter extends ChannelInboundHandlerAdapter {
    static final String SIP_SUBPROTOCOL = "sip";
    private static final Logger log = LoggerFactory.getLogger(WebSocketSubprotocolFilter.class);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
            if (!offersSip(req)) {
                ReferenceCountUtil.release(msg);
                log.debug("{}: WebSocket handshake without the sip subprotocol refused", ctx.channel().remoteAddress());
                byte[] text = "WebSocket subprotocol 'sip' required (RFC 7118)\n".getBytes(StandardCharsets.US_ASCII);
                FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
                        Unpooled.wrappedBuffer(text));
                res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, text.length)
                        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(msg);
    }

    static boolean offersSip(HttpRequest req) {
        for (String value : req.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) {
            for (String token : value.split(",")) {
                if (token.trim().equals(SIP_SUBPROTOCOL)) return true; // case-sensitive, as Netty selects it
            }
        }
        return false;
    }
}

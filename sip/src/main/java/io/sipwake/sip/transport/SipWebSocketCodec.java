package io.sipwake.sip.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * SIP over WebSocket framing (RFC 7118 §5.2): each (aggregated) text or binary frame carries one
 * SIP message, and each outgoing message goes out as one text frame when it is valid UTF-8, else
 * as one binary frame. Ping, pong and close frames are handled by Netty's protocol handler before
 * this one. Stateless and shared.
 */
@Sharable
final class SipWebSocketCodec extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {

    SipWebSocketCodec() {
        super(WebSocketFrame.class, ByteBuf.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            Flow flow = Connection.of(ctx.channel()).flow();
            out.add(new Inbound.RawMessage(ByteBufUtil.getBytes(frame.content()), flow, false));
        }
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf message, List<Object> out) {
        boolean text = ByteBufUtil.isText(message, StandardCharsets.UTF_8);
        out.add(text ? new TextWebSocketFrame(message.retain()) : new BinaryWebSocketFrame(message.retain()));
    }
}

package io.sipwake.sip.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Turns each UDP datagram into one {@link Inbound.RawMessage} with its flow (connection id 0).
 * Datagrams holding only CR/LF (keep-alives some phones send over UDP) are counted and ignored.
 * Stateless; shared by all UDP channels.
 */
@Sharable
final class SipDatagramDecoder extends MessageToMessageDecoder<DatagramPacket> {
    private final TransportStats stats;

    SipDatagramDecoder(TransportStats stats) {
        super(DatagramPacket.class);
        this.stats = stats;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
        ByteBuf content = packet.content();
        if (onlyCrLf(content)) {
            stats.keepAlivePings.increment();
            return;
        }
        InetSocketAddress local = packet.recipient() != null ? packet.recipient() : (InetSocketAddress) ctx.channel().localAddress();
        Flow flow = new Flow(Transport.UDP, local, packet.sender(), 0);
        out.add(new Inbound.RawMessage(ByteBufUtil.getBytes(content), flow, false));
    }

    private static boolean onlyCrLf(ByteBuf b) {
        for (int i = b.readerIndex(), end = b.writerIndex(); i < end; i++) {
            byte c = b.getByte(i);
            if (c != '\r' && c != '\n') return false;
        }
        return true;
    }
}

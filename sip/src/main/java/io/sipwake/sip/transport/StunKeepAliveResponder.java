package io.sipwake.sip.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.zip.CRC32;

/**
 * Answers the STUN Binding requests that RFC 5626 §4.4.2 clients send as keep-alives on the SIP
 * UDP port (RFC 5389 §7.3: a Binding success response with XOR-MAPPED-ADDRESS and FINGERPRINT).
 * Other STUN messages are dropped silently; everything else goes on to the SIP decoder. STUN and
 * SIP cannot be confused: a STUN message starts with two zero bits, a SIP message with a letter.
 * Stateless and shared.
 */
@Sharable
final class StunKeepAliveResponder extends ChannelInboundHandlerAdapter {
    static final int MAGIC_COOKIE = 0x2112A442;
    private static final int HEADER = 20;
    private static final int BINDING_REQUEST = 0x0001;
    private static final int BINDING_SUCCESS = 0x0101;
    private static final int XOR_MAPPED_ADDRESS = 0x0020;
    private static final int FINGERPRINT = 0x8028;
    private static final int FINGERPRINT_XOR = 0x5354554e;

    private final TransportStats stats;

    StunKeepAliveResponder(TransportStats stats) {
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket packet && isStun(packet.content())) {
            try {
                ByteBuf in = packet.content();
                if (in.getUnsignedShort(in.readerIndex()) == BINDING_REQUEST) {
                    stats.keepAlivePings.increment();
                    ctx.writeAndFlush(new DatagramPacket(response(ctx, in, packet.sender()), packet.sender()));
                }
            } finally {
                packet.release();
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** RFC 5389 §6: top two bits zero, the magic cookie, a length that is a multiple of 4 and matches. */
    static boolean isStun(ByteBuf b) {
        int r = b.readerIndex();
        if (b.readableBytes() < HEADER || (b.getByte(r) & 0xC0) != 0) return false;
        int length = b.getUnsignedShort(r + 2);
        return b.getInt(r + 4) == MAGIC_COOKIE && (length & 3) == 0 && b.readableBytes() == HEADER + length;
    }

    private static ByteBuf response(ChannelHandlerContext ctx, ByteBuf request, InetSocketAddress sender) {
        byte[] ip = sender.getAddress().getAddress();
        int attrLength = 4 + ip.length; // reserved, family, port, address
        int length = 4 + attrLength + 8; // XOR-MAPPED-ADDRESS + FINGERPRINT
        ByteBuf out = ctx.alloc().buffer(HEADER + length);
        out.writeShort(BINDING_SUCCESS).writeShort(length).writeInt(MAGIC_COOKIE);
        out.writeBytes(request, request.readerIndex() + 8, 12); // transaction id
        out.writeShort(XOR_MAPPED_ADDRESS).writeShort(attrLength);
        out.writeByte(0).writeByte(ip.length == 4 ? 0x01 : 0x02).writeShort(sender.getPort() ^ (MAGIC_COOKIE >>> 16));
        for (int i = 0; i < ip.length; i++) {
            out.writeByte(ip[i] ^ out.getByte(4 + i)); // XOR with cookie (IPv4) or cookie + transaction id (IPv6)
        }
        CRC32 crc = new CRC32();
        byte[] soFar = new byte[out.readableBytes()];
        out.getBytes(0, soFar);
        crc.update(soFar);
        out.writeShort(FINGERPRINT).writeShort(4).writeInt((int) crc.getValue() ^ FINGERPRINT_XOR);
        return out;
    }
}

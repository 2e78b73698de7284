package io.sipwake.sip.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.sipwake.sip.parser.ParseLimits;
import io.sipwake.sip.parser.StreamFramer;
import io.sipwake.sip.parser.StreamFramer.Frame;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts a TCP/TLS byte stream into SIP messages with {@link StreamFramer} (RFC 3261 §18.3) and
 * emits one {@link Inbound.RawMessage} per message.
 *
 * <p>CRLF keep-alives between messages are consumed; a double-CRLF ping is answered with a
 * single-CRLF pong (RFC 5626 §4.4.1). When the stream cannot be framed (headers or message over
 * the {@link ParseLimits}, bad Content-Length) it emits one {@link Inbound.FramingFailure} with
 * the bytes buffered so far and ignores everything after; the next handler answers and closes.
 * The buffer never grows beyond the limits plus one read.
 *
 * <p>One instance per connection; runs on the connection's event loop.
 */
final class SipStreamFrameDecoder extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(SipStreamFrameDecoder.class);
    private static final byte[] PONG = {'\r', '\n'};

    private final StreamFramer framer;
    private final TransportStats stats;
    private boolean failed;

    SipStreamFrameDecoder(ParseLimits limits, TransportStats stats) {
        this.framer = new StreamFramer(limits);
        this.stats = stats;
        setCumulator(HEAP_CUMULATOR);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int readable = in.readableBytes();
        if (readable == 0) return;
        byte[] array;
        int offset;
        if (in.hasArray()) {
            array = in.array();
            offset = in.arrayOffset() + in.readerIndex();
        } else {
            array = ByteBufUtil.getBytes(in);
            offset = 0;
        }
        Frame frame = framer.frame(array, offset, readable);
        if (frame instanceof Frame.Message m) {
            byte[] message = Arrays.copyOfRange(array, offset, offset + m.length());
            in.skipBytes(m.length());
            out.add(new Inbound.RawMessage(message, flow(ctx), true));
        } else if (frame instanceof Frame.KeepAlive k) {
            in.skipBytes(k.length());
            if (k.ping()) {
                stats.keepAlivePings.increment();
                ctx.writeAndFlush(Unpooled.wrappedBuffer(PONG.clone())).addListener(f -> {
                    if (f.isSuccess()) stats.sent.increment();
                });
            }
        } else if (frame instanceof Frame.Invalid invalid) {
            failed = true;
            byte[] soFar = Arrays.copyOfRange(array, offset, offset + readable);
            in.skipBytes(readable);
            out.add(new Inbound.FramingFailure(soFar, invalid.reason(), flow(ctx)));
        }
        // NeedMore: wait for the next read
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        decode(ctx, in, out);
        if (!failed && in.isReadable()) {
            stats.dropped.increment();
            log.debug("{}: connection closed with {} bytes of an incomplete message; dropped", flow(ctx), in.readableBytes());
            in.skipBytes(in.readableBytes());
        }
    }

    private static Flow flow(ChannelHandlerContext ctx) {
        return Connection.of(ctx.channel()).flow();
    }

    /**
     * Accumulates into heap buffers, so that {@link StreamFramer} and the parser can work on the
     * backing array without a copy per framing attempt (a message trickling in byte by byte would
     * otherwise be copied once per byte).
     */
    static final Cumulator HEAP_CUMULATOR = (ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) -> {
        try {
            int required = in.readableBytes();
            if (cumulation.hasArray() && cumulation.refCnt() == 1 && !cumulation.isReadOnly()
                    && cumulation.maxCapacity() - cumulation.writerIndex() >= required) {
                cumulation.writeBytes(in);
                return cumulation;
            }
            ByteBuf merged = alloc.heapBuffer(Math.max(cumulation.readableBytes() + required, 2048));
            merged.writeBytes(cumulation).writeBytes(in);
            cumulation.release();
            return merged;
        } finally {
            in.release();
        }
    };
}

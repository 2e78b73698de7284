package io.sipwake.sip.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.parser.SipParseException;
import io.sipwake.sip.parser.SipParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses and validates each {@link Inbound.RawMessage} and passes on an {@link Inbound.Message}.
 *
 * <ul>
 *   <li>A request gets {@code received}/{@code rport} in its top Via (RFC 3261 §18.2.1, RFC 3581 §4).
 *   <li>A request that fails to parse is answered with the parser's status (400, 505, 513) and its
 *       reason, sanitised to printable ASCII, when enough was parsed to answer (RFC 3261 §21.4.1);
 *       otherwise it is dropped. Either way it is counted and logged at DEBUG.
 *   <li>A response whose top Via does not parse is dropped (RFC 3261 §18.1.2).
 *   <li>A {@link Inbound.FramingFailure} is answered 400 when the buffered bytes hold an answerable
 *       request, and the connection is closed.
 * </ul>
 *
 * <p>Stateless and shared; runs on the channel's event loop. A malformed framed message on a
 * stream does not close the connection, since framing is intact.
 */
@Sharable
final class SipParseHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(SipParseHandler.class);
    private static final int MAX_REASON_LENGTH = 160;

    private final SipParser parser;
    private final TransportStats stats;

    SipParseHandler(SipParser parser, TransportStats stats) {
        this.parser = parser;
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Inbound.RawMessage raw) {
            onMessage(ctx, raw);
        } else if (msg instanceof Inbound.FramingFailure failure) {
            onFramingFailure(ctx, failure);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void onMessage(ChannelHandlerContext ctx, Inbound.RawMessage raw) {
        Flow flow = raw.flow();
        byte[] b = raw.bytes();
        SipMessage message;
        try {
            message = raw.streamFramed() ? parser.parseFramed(b, 0, b.length) : parser.parseDatagram(b, 0, b.length);
        } catch (SipParseException e) {
            if (e.isAnswerable()) {
                int status = e.status() >= 400 ? e.status() : 400;
                reject(ctx, flow, e.partialRequest(), status, e.getMessage(), false);
            } else {
                drop(flow, e.getMessage());
            }
            return;
        }
        try {
            if (message instanceof SipRequest request) {
                ViaRules.stampReceived(request, flow.remote());
            } else if (((SipResponse) message).topVia() == null) {
                drop(flow, "response without Via");
                return;
            }
        } catch (IllegalArgumentException e) {
            drop(flow, "bad top Via: " + e.getMessage());
            return;
        }
        ctx.fireChannelRead(new Inbound.Message(message, flow));
    }

    private void onFramingFailure(ChannelHandlerContext ctx, Inbound.FramingFailure failure) {
        byte[] b = failure.bytesSoFar();
        SipRequest answerable = null;
        try {
            if (parser.parseDatagram(b, 0, b.length) instanceof SipRequest r) answerable = r;
        } catch (SipParseException e) {
            if (e.isAnswerable()) answerable = e.partialRequest();
        }
        if (answerable != null) {
            reject(ctx, failure.flow(), answerable, 400, failure.reason(), true);
        } else {
            drop(failure.flow(), failure.reason() + "; closing the connection");
            ctx.close();
        }
    }

    private void reject(ChannelHandlerContext ctx, Flow flow, SipRequest request, int status, String reason, boolean close) {
        stats.rejected.increment();
        String phrase = sanitize(reason, status);
        log.debug("{}: answering {} {} to a malformed {}{}", flow, status, phrase, request.method(), close ? "; closing the connection" : "");
        byte[] bytes;
        try {
            bytes = request.createResponse(status, phrase, null).toBytes();
        } catch (RuntimeException e) { // a partial request too broken to answer after all
            log.debug("{}: cannot build the {} response: {}", flow, status, e.toString());
            if (close) ctx.close();
            return;
        }
        Object out = flow.transport() == Transport.UDP
                ? new DatagramPacket(Unpooled.wrappedBuffer(bytes), flow.remote())
                : Unpooled.wrappedBuffer(bytes);
        ChannelFuture f = ctx.writeAndFlush(out);
        f.addListener(done -> {
            if (done.isSuccess()) stats.sent.increment();
        });
        if (close) f.addListener(ChannelFutureListener.CLOSE);
    }

    private void drop(Flow flow, String why) {
        stats.dropped.increment();
        log.debug("{}: dropped unanswerable input: {}", flow, why);
    }

    /** A reason phrase of printable ASCII only (white space collapsed, anything else '?'), at most {@value #MAX_REASON_LENGTH} characters. */
    static String sanitize(String reason, int status) {
        if (reason == null || reason.isBlank()) return SipResponse.defaultReason(status);
        StringBuilder sb = new StringBuilder(Math.min(reason.length(), MAX_REASON_LENGTH));
        for (int i = 0; i < reason.length() && sb.length() < MAX_REASON_LENGTH; i++) {
            char c = reason.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ' ') sb.append(' ');
            } else {
                sb.append(c > 0x20 && c <= 0x7e ? c : '?');
            }
        }
        String s = sb.toString().trim();
        return s.isEmpty() ? SipResponse.defaultReason(status) : s;
    }
}

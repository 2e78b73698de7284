package io.sipwake.sip.transport;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each {@link Inbound.Message} to the {@link TransportListener}, on the event loop. A
 * listener that throws is logged; the connection stays open. Messages arriving while no listener
 * is set are dropped and counted. Stateless and shared.
 */
@Sharable
final class SipDeliveryHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(SipDeliveryHandler.class);

    private final Supplier<TransportListener> listener;
    private final TransportStats stats;

    SipDeliveryHandler(Supplier<TransportListener> listener, TransportStats stats) {
        this.listener = listener;
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Inbound.Message m)) {
            ctx.fireChannelRead(msg);
            return;
        }
        TransportListener l = listener.get();
        if (l == null) {
            stats.dropped.increment();
            log.debug("{}: no listener set; dropped {}", m.flow(), m.message().startLine());
            return;
        }
        stats.received.increment();
        try {
            l.onMessage(m.message(), m.flow());
        } catch (RuntimeException e) {
            log.warn("{}: listener failed on {}", m.flow(), m.message().startLine(), e);
        }
    }
}

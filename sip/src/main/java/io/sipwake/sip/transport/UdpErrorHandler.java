package io.sipwake.sip.transport;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The last handler of the UDP pipeline: logs errors and keeps the listening socket open. */
@Sharable
final class UdpErrorHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(UdpErrorHandler.class);

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("UDP {}: {}", ctx.channel().localAddress(), cause.toString());
        } else {
            log.warn("UDP {}: unexpected error", ctx.channel().localAddress(), cause);
        }
    }
}

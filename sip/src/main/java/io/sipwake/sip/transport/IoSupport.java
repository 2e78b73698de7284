package io.sipwake.sip.transport;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** The event loop group and the matching channel classes: epoll when available and wanted, else NIO. */
record IoSupport(
        MultiThreadIoEventLoopGroup group,
        boolean isNative,
        Class<? extends ServerChannel> serverChannel,
        Class<? extends Channel> socketChannel,
        Class<? extends Channel> datagramChannel) {

    static IoSupport create(boolean preferNative, int threads) {
        boolean epoll = preferNative && Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("sipwake-io"), factory);
        return epoll
                ? new IoSupport(group, true, EpollServerSocketChannel.class, EpollSocketChannel.class, EpollDatagramChannel.class)
                : new IoSupport(group, false, NioServerSocketChannel.class, NioSocketChannel.class, NioDatagramChannel.class);
    }
}

package io.sipwake.sip.transport;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * One TCP, TLS, WS or WSS connection: its id, the channel and the {@link Flow} that names it.
 *
 * <p>Created when the channel is initialised; becomes <em>ready</em> (registered, usable for
 * sending, visible to the listener) when the connection can carry SIP: at connect/accept for TCP,
 * after the TLS handshake for TLS, after the WebSocket handshake for WS/WSS.
 */
final class Connection {
    static final AttributeKey<Connection> KEY = AttributeKey.valueOf("sipwake.connection");

    private final long id;
    private final Transport transport;
    private final Channel channel;
    private final InetSocketAddress remote;
    private final boolean outbound;
    private final CompletableFuture<Connection> ready = new CompletableFuture<>();
    private volatile Flow flow;
    private volatile boolean registered;

    Connection(long id, Transport transport, Channel channel, InetSocketAddress remote, boolean outbound) {
        this.id = id;
        this.transport = transport;
        this.channel = channel;
        this.remote = remote;
        this.outbound = outbound;
    }

    static Connection of(Channel channel) {
        return channel.attr(KEY).get();
    }

    long id() {
        return id;
    }

    Transport transport() {
        return transport;
    }

    Channel channel() {
        return channel;
    }

    InetSocketAddress remote() {
        return remote;
    }

    boolean isOutbound() {
        return outbound;
    }

    /** The flow naming this connection; its local address is known once the channel is connected. */
    Flow flow() {
        Flow f = flow;
        if (f == null) {
            f = new Flow(transport, (InetSocketAddress) channel.localAddress(), remote, id);
            flow = f;
        }
        return f;
    }

    boolean isOpen() {
        return channel.isActive();
    }

    /** True when {@code f} names this connection (same transport, remote and id). */
    boolean matches(Flow f) {
        return f.transport() == transport && f.remote().equals(remote) && (f.connectionId() == 0 || f.connectionId() == id);
    }

    /** Completes when the connection is ready; fails when it closes before. */
    CompletableFuture<Connection> ready() {
        return ready;
    }

    boolean isRegistered() {
        return registered;
    }

    void setRegistered(boolean value) {
        registered = value;
    }

    @Override
    public String toString() {
        return transport + " " + remote + " #" + id + (outbound ? " (out)" : " (in)");
    }
}

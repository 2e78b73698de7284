package io.sipwake.sip.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.message.Via;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SipTransport} on Netty 4.2: UDP, TCP, TLS (RFC 3261 §18, §26.2) and WS/WSS (RFC 7118),
 * with epoll when available and NIO otherwise.
 *
 * <h2>Life cycle</h2>
 * {@code new NettySipTransport(config)} checks the configuration and loads the TLS material;
 * {@link #setListener} should be called next, then {@link #start()}, which binds every configured
 * listener and blocks until they are bound. {@link #listeningPoints()} then reports the actual
 * ports (useful with port 0). {@link #close()} stops everything and waits at most
 * {@link TransportConfig#shutdownTimeout()}.
 *
 * <h2>Threading</h2>
 * Any thread may send. Messages are serialised during the {@code send} call, so the caller may
 * modify or reuse the message as soon as the call returns. Nothing blocks an event loop:
 * unresolved destination addresses are resolved on a small separate executor. The returned
 * futures complete on an event loop (or are already complete when returned, e.g. for a closed
 * flow); dependent stages must not block. The {@link TransportListener} and the idle-retention
 * predicate are called on event loops.
 *
 * <h2>Flows and connections</h2>
 * Each TCP, TLS, WS or WSS connection gets a unique positive id (UDP flows have id 0). The id is in
 * the {@link Flow} delivered with every message; {@link #send(SipMessage, Flow)} and
 * {@link #sendResponse} use exactly that connection. {@link #send(SipMessage, Transport,
 * InetSocketAddress)} reuses any open connection to the destination, inbound or outbound, and
 * otherwise opens a TCP or TLS connection (there is no WS/WSS client: WS destinations are only
 * reachable over connections they opened). A connection becomes visible after its TLS or
 * WebSocket handshake; when it closes the listener gets {@link TransportListener#onFlowClosed}
 * (not during {@link #close()}).
 *
 * <h2>Inbound processing</h2>
 * Requests get {@code received} and a filled-in {@code rport} in their top Via (RFC 3261 §18.2.1,
 * RFC 3581 §4) before delivery. Malformed input never escapes into Netty: a request parsed far
 * enough to be answered gets the parser's status (400, 505 or 513) with the parse error as reason
 * phrase (printable ASCII), sent back to its source; anything else (garbage, unanswerable requests,
 * responses whose top Via does not parse) is dropped. Both are counted ({@link #stats()}) and logged
 * at DEBUG. On TCP/TLS a stream that cannot be framed any further (headers or message over the
 * {@link io.sipwake.sip.parser.ParseLimits}, bad Content-Length) is answered 400 when possible and
 * the connection closed; a well-framed but malformed message leaves the connection open. CRLF
 * pings are answered with a CRLF pong and STUN Binding requests on UDP with a Binding response
 * (RFC 5626 §4.4). An exception in a pipeline is logged and closes only that connection.
 *
 * <h2>Send failures and limits</h2>
 * Send failures complete the future exceptionally with {@link TransportException}: closed flow,
 * refused or failed connection (TLS handshake and certificate check included), unresolvable host,
 * a peer that stopped reading (more than 1 MiB queued). UDP messages are sent whatever their size:
 * sipwake does not switch large requests to TCP (RFC 3261 §18.1.1 leaves that to the sender, here
 * the caller); messages over the 65,507-byte datagram limit fail. UDP is always sent from the UDP
 * listening socket, so that responses and NAT bindings match.
 *
 * <h2>UDP on every event loop</h2>
 * A datagram channel is served by one event loop, so with epoll the UDP listener is one socket per
 * event loop, all bound to the same address and port with {@code SO_REUSEPORT}; the kernel spreads
 * the datagrams over them by source and destination address, and every socket sends from the same
 * address and port. A message sent from an event loop leaves through that loop's socket (no thread
 * hop); from any other thread through the socket chosen by the destination. Before binding a
 * configured port, a plain socket checks that no other process (a second sipwake, say) holds it,
 * since {@code SO_REUSEPORT} would otherwise let both share it silently. NIO: one socket.
 */
public final class NettySipTransport implements SipTransport {
    private static final Logger log = LoggerFactory.getLogger(NettySipTransport.class);
    private static final int UDP_RECEIVE_BUFFER = 65_536;
    /**
     * Kernel receive buffer asked for each UDP socket (Linux caps it at {@code net.core.rmem_max}): about
     * 700 datagrams, so that a garbage collection pause of a few hundred milliseconds at a few thousand
     * requests per second delays them instead of dropping them (the default, about 200 KiB, holds ~150).
     * Not more: under sustained overload a deeper queue only answers requests after the client's first
     * retransmission (T1, 500 ms), and a 4 MiB buffer did exactly that in the held-call benchmark.
     */
    private static final int UDP_SOCKET_RECEIVE_BUFFER = 1024 * 1024;
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final TransportConfig config;
    private final TransportStats stats = new TransportStats();
    private final ConnectionRegistry connections = new ConnectionRegistry();
    private final ConcurrentHashMap<Flow, CompletableFuture<Connection>> pendingConnects = new ConcurrentHashMap<>();
    private final AtomicLong connectionIds = new AtomicLong();
    private final AtomicInteger inboundConnections = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final SslContext serverSsl;
    private final SslContext clientSsl;
    private final Pipelines pipelines;
    // published copies: read by any thread (also by listeners on event loops while start() still binds)
    private volatile Map<Transport, Channel> listeners = Map.of();
    private volatile Map<Transport, ListeningPoint> listeningPoints = Map.of();
    private volatile TransportListener listener;
    private volatile Predicate<Flow> idleRetention = flow -> false;
    private volatile IoSupport io;
    private volatile Channel[] udp = new Channel[0]; // the UDP sockets sharing one port, one per event loop on epoll
    private volatile ExecutorService resolver;

    /**
     * Checks the configuration and loads the TLS certificate, key and trusted CAs.
     *
     * @throws TransportException when the TLS files cannot be loaded
     */
    public NettySipTransport(TransportConfig config) {
        this.config = Objects.requireNonNull(config);
        this.serverSsl = TlsContexts.server(config);
        this.clientSsl = TlsContexts.client(config);
        this.pipelines = new Pipelines(config, stats, serverSsl, clientSsl, () -> listener, new Events());
    }

    /**
     * Starts the event loops and binds every configured listener; blocks (never call it on an
     * event loop) until all are bound. Returns this.
     *
     * @throws TransportException when a listener cannot be bound (everything started is stopped again)
     * @throws IllegalStateException when already started or closed
     */
    public synchronized NettySipTransport start() {
        if (io != null || closed.get()) throw new IllegalStateException("already started or closed");
        io = IoSupport.create(config.preferNativeTransport(), config.ioThreads());
        resolver = new ThreadPoolExecutor(1, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1024),
                new DefaultThreadFactory("sipwake-dns", true));
        try {
            InetAddress bind = InetAddress.getByName(config.bindAddress());
            String advertised = advertisedHost(bind);
            for (Map.Entry<Transport, Integer> e : config.ports().entrySet()) {
                Transport t = e.getKey();
                InetSocketAddress address = new InetSocketAddress(bind, e.getValue());
                Channel ch = t == Transport.UDP ? listenUdp(address) : awaitBound(t, address, bindStream(t, address));
                int port = ((InetSocketAddress) ch.localAddress()).getPort();
                listeners = with(listeners, t, ch);
                listeningPoints = with(listeningPoints, t, new ListeningPoint(t, advertised, port));
                log.info("listening on {} {} (advertised as {}:{}){}", t, ch.localAddress(), advertised, port,
                        io.isNative() ? " [epoll" + (t == Transport.UDP ? ", " + udp.length + " sockets" : "") + "]" : "");
            }
        } catch (UnknownHostException e) {
            close();
            throw new TransportException("bad bind address " + config.bindAddress(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    private static <V> Map<Transport, V> with(Map<Transport, V> map, Transport t, V value) {
        EnumMap<Transport, V> copy = new EnumMap<>(Transport.class);
        copy.putAll(map);
        copy.put(t, value);
        return Collections.unmodifiableMap(copy);
    }

    private Channel awaitBound(Transport t, InetSocketAddress address, ChannelFuture f) {
        if (!f.awaitUninterruptibly(config.connectTimeout().toMillis()) || !f.isSuccess()) {
            throw new TransportException("cannot listen on " + t + " " + address
                    + (f.cause() != null ? ": " + f.cause().getMessage() : ": timeout"), f.cause());
        }
        return f.channel();
    }

    /**
     * Binds the UDP listener: on epoll one socket per event loop with {@code SO_REUSEPORT}, the
     * first to {@code address} (port 0: an ephemeral port), the others to the port it got; on NIO
     * one socket. Publishes them in {@link #udp} and returns the first.
     */
    private Channel listenUdp(InetSocketAddress address) {
        boolean shared = io.isNative() && io.group().executorCount() > 1;
        if (shared && address.getPort() != 0) checkPortFree(address);
        List<Channel> bound = new ArrayList<>();
        InetSocketAddress next = address;
        for (EventExecutor loop : io.group()) {
            Bootstrap b = new Bootstrap()
                    .group((EventLoop) loop)
                    .channel(io.datagramChannel())
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(UDP_RECEIVE_BUFFER))
                    .option(ChannelOption.SO_RCVBUF, UDP_SOCKET_RECEIVE_BUFFER)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            pipelines.initUdp(ch);
                        }
                    });
            if (shared) b.option(EpollChannelOption.SO_REUSEPORT, true);
            Channel ch;
            try {
                ch = awaitBound(Transport.UDP, next, b.bind(next));
            } catch (TransportException e) {
                for (Channel c : bound) c.close();
                throw e;
            }
            bound.add(ch);
            udp = bound.toArray(new Channel[0]); // published one by one, so that close() finds them after a failure
            if (!shared) break;
            next = new InetSocketAddress(address.getAddress(), ((InetSocketAddress) ch.localAddress()).getPort());
        }
        return bound.get(0);
    }

    /** Fails when another socket holds the UDP port: {@code SO_REUSEPORT} would let us share it with that owner. */
    private static void checkPortFree(InetSocketAddress address) {
        try (DatagramSocket probe = new DatagramSocket(address)) {
            // free: the probe is closed at once and the shared sockets take the port
        } catch (SocketException e) {
            throw new TransportException("cannot listen on UDP " + address + ": " + e.getMessage(), e);
        }
    }

    /** The UDP socket to send from: the calling event loop's own, else one chosen by the destination. */
    private Channel udpChannel(InetSocketAddress destination) {
        Channel[] channels = udp;
        if (channels.length <= 1) return channels.length == 0 ? null : channels[0];
        for (Channel ch : channels) {
            if (ch.eventLoop().inEventLoop()) return ch;
        }
        return channels[(destination.hashCode() & Integer.MAX_VALUE) % channels.length];
    }

    private ChannelFuture bindStream(Transport transport, InetSocketAddress address) {
        return new ServerBootstrap()
                .group(io.group())
                .channel(io.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        acceptConnection(transport, ch);
                    }
                })
                .bind(address);
    }

    private void acceptConnection(Transport transport, Channel ch) {
        int max = config.maxConnections();
        if (closed.get() || (max > 0 && inboundConnections.get() >= max)) {
            stats.connectionsRefused.increment();
            log.debug("refusing {} connection from {}: {} open connections", transport, ch.remoteAddress(), inboundConnections.get());
            ch.close();
            return;
        }
        inboundConnections.incrementAndGet();
        ch.closeFuture().addListener(f -> inboundConnections.decrementAndGet());
        stats.connectionsAccepted.increment();
        Connection c = new Connection(connectionIds.incrementAndGet(), transport, ch, (InetSocketAddress) ch.remoteAddress(), false);
        pipelines.initAccepted(ch, c);
    }

    private String advertisedHost(InetAddress bind) {
        if (config.advertisedHost() != null) return config.advertisedHost();
        if (!bind.isAnyLocalAddress()) return Addresses.uriHost(bind);
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) continue;
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (!a.isLoopbackAddress() && !a.isLinkLocalAddress() && !(a instanceof Inet6Address && bind.getAddress().length == 4)) {
                        log.info("no advertisedHost configured; advertising {}", Addresses.uriHost(a));
                        return Addresses.uriHost(a);
                    }
                }
            }
        } catch (SocketException e) {
            log.warn("cannot list network interfaces: {}", e.toString());
        }
        return Addresses.uriHost(InetAddress.getLoopbackAddress());
    }

    // ---- SipTransport ----

    @Override
    public void setListener(TransportListener listener) {
        this.listener = listener;
    }

    @Override
    public void setIdleRetention(Predicate<Flow> keepOpen) {
        this.idleRetention = Objects.requireNonNull(keepOpen);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A flow with connection id 0 on a connection-oriented transport means "any connection to
     * its remote" and behaves like {@link #send(SipMessage, Transport, InetSocketAddress)}.
     */
    @Override
    public CompletableFuture<Flow> send(SipMessage message, Flow flow) {
        byte[] bytes = message.toBytes();
        if (flow.transport() == Transport.UDP) return sendUdp(bytes, flow.remote());
        if (flow.connectionId() == 0) return sendTo(bytes, flow.transport(), flow.remote());
        Connection c = connections.find(flow);
        if (c == null) return failed("connection " + flow + " is closed");
        return write(c, bytes);
    }

    @Override
    public CompletableFuture<Flow> send(SipMessage message, Transport transport, InetSocketAddress destination) {
        return sendTo(message.toBytes(), transport, destination);
    }

    @Override
    public CompletableFuture<Flow> sendResponse(SipResponse response, Flow requestFlow) {
        byte[] bytes = response.toBytes();
        Via via;
        try {
            via = response.topVia();
        } catch (IllegalArgumentException e) {
            via = null;
        }
        if (via == null) return failed("response has no parseable Via: " + response.startLine());
        Transport t = requestFlow.transport();
        if (!t.isReliable()) return sendUdp(bytes, ViaRules.unreliableResponseTarget(via));
        Connection c = connections.find(requestFlow); // connection id 0: any open connection to the request's source
        if (c != null) return write(c, bytes);
        if (t == Transport.WS || t == Transport.WSS) {
            return failed("WebSocket connection " + requestFlow + " is closed; WebSocket connections cannot be reopened");
        }
        // RFC 3261 §18.2.2: the connection is gone; open one to received / sent-by port
        return sendTo(bytes, t, ViaRules.reliableResponseTarget(via, t));
    }

    @Override
    public boolean isOpen(Flow flow) {
        if (closed.get()) return false;
        if (flow.transport() == Transport.UDP) return udp.length > 0;
        return connections.find(flow) != null;
    }

    @Override
    public ListeningPoint listeningPoint(Transport transport) {
        return listeningPoints.get(transport);
    }

    /** The listening points in {@link Transport} order, with the actual bound ports. */
    @Override
    public List<ListeningPoint> listeningPoints() {
        return List.copyOf(listeningPoints.values());
    }

    // ---- extras ----

    /** The actual local address a listener is bound to, or null when not listening on {@code transport}. */
    public InetSocketAddress boundAddress(Transport transport) {
        Channel ch = listeners.get(transport);
        return ch == null ? null : (InetSocketAddress) ch.localAddress();
    }

    public TransportStats stats() {
        return stats;
    }

    /** Shorthand for {@code stats().droppedMessages()}. */
    public long droppedMessages() {
        return stats.droppedMessages();
    }

    /** Shorthand for {@code stats().rejectedMessages()}. */
    public long rejectedMessages() {
        return stats.rejectedMessages();
    }

    /** Number of open, ready connections (inbound and outbound). */
    public int openConnections() {
        return connections.size();
    }

    /** True when running on epoll, false on NIO. */
    public boolean isNative() {
        IoSupport s = io;
        return s != null && s.isNative();
    }

    public TransportConfig config() {
        return config;
    }

    /**
     * Closes every listener and connection, then stops the event loops, waiting at most
     * {@link TransportConfig#shutdownTimeout()} (it does not wait when called on one of its own event
     * loops). The listener gets no {@link TransportListener#onFlowClosed} for the connections closed
     * here. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        IoSupport s = io;
        for (Channel ch : listeners.values()) ch.close();
        for (Channel ch : udp) ch.close();
        for (Connection c : connections.all()) c.channel().close();
        if (s != null) {
            long timeout = config.shutdownTimeout().toMillis();
            var termination = s.group().shutdownGracefully(Math.min(100, timeout), timeout, TimeUnit.MILLISECONDS);
            if (!inOwnEventLoop(s) && !termination.awaitUninterruptibly(timeout + 1000)) {
                log.warn("event loops did not stop within {} ms", timeout);
            }
        }
        ExecutorService r = resolver;
        if (r != null) r.shutdownNow();
        log.debug("transport closed: {}", stats);
    }

    private static boolean inOwnEventLoop(IoSupport s) {
        for (EventExecutor e : s.group()) {
            if (e.inEventLoop()) return true;
        }
        return false;
    }

    // ---- sending ----

    private CompletableFuture<Flow> sendTo(byte[] bytes, Transport transport, InetSocketAddress destination) {
        if (closed.get()) return failed("transport closed");
        if (io == null) return failed("transport not started");
        if (destination.isUnresolved()) {
            return resolve(destination).thenCompose(resolved -> sendTo(bytes, transport, resolved));
        }
        if (transport == Transport.UDP) return sendUdp(bytes, destination);
        Connection c = connections.newest(transport, destination);
        if (c != null) return write(c, bytes);
        if (transport == Transport.WS || transport == Transport.WSS) {
            return failed("no open " + transport + " connection to " + destination + " (WebSocket client connections are not supported)");
        }
        return connect(transport, destination).thenCompose(conn -> write(conn, bytes));
    }

    private CompletableFuture<Flow> sendUdp(byte[] bytes, InetSocketAddress destination) {
        if (closed.get()) return failed("transport closed");
        if (udp.length == 0) return failed("not listening on UDP; cannot send to " + destination);
        if (destination.isUnresolved()) return resolve(destination).thenCompose(resolved -> sendUdp(bytes, resolved));
        Channel ch = udpChannel(destination);
        Flow flow = new Flow(Transport.UDP, (InetSocketAddress) ch.localAddress(), destination, 0);
        return complete(ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), destination)), flow);
    }

    private CompletableFuture<Flow> write(Connection c, byte[] bytes) {
        Channel ch = c.channel();
        if (!ch.isActive()) return failed("connection " + c.flow() + " is closed");
        if (!ch.isWritable()) return failed("send buffer of " + c.flow() + " is full; the peer does not read");
        return complete(ch.writeAndFlush(Unpooled.wrappedBuffer(bytes)), c.flow());
    }

    private CompletableFuture<Flow> complete(ChannelFuture write, Flow flow) {
        CompletableFuture<Flow> result = new CompletableFuture<>();
        write.addListener(f -> {
            if (f.isSuccess()) {
                stats.sent.increment();
                result.complete(flow);
            } else {
                result.completeExceptionally(new TransportException("cannot send to " + flow + ": " + f.cause(), f.cause()));
            }
        });
        return result;
    }

    /** Opens (or joins an attempt already under way to open) a TCP or TLS connection. */
    private CompletableFuture<Connection> connect(Transport transport, InetSocketAddress destination) {
        Flow key = new Flow(transport, null, destination, 0);
        CompletableFuture<Connection> attempt = new CompletableFuture<>();
        CompletableFuture<Connection> existing = pendingConnects.putIfAbsent(key, attempt);
        if (existing != null) return existing;
        attempt.whenComplete((c, e) -> pendingConnects.remove(key, attempt));
        if (closed.get()) {
            attempt.completeExceptionally(new TransportException("transport closed"));
            return attempt;
        }
        Connection raced = connections.newest(transport, destination); // an attempt that finished just before ours
        if (raced != null) {
            attempt.complete(raced);
            return attempt;
        }
        log.debug("connecting to {} {}", transport, destination);
        ChannelFuture f = new Bootstrap()
                .group(io.group())
                .channel(io.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        Connection c = new Connection(connectionIds.incrementAndGet(), transport, ch, destination, true);
                        c.ready().whenComplete((ok, e) -> {
                            if (e == null) {
                                attempt.complete(ok);
                            } else {
                                attempt.completeExceptionally(e);
                            }
                        });
                        pipelines.initOutbound(ch, c, destination);
                    }
                })
                .connect(destination);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                attempt.completeExceptionally(new TransportException("cannot connect to " + transport + " " + destination + ": "
                        + done.cause().getMessage(), done.cause()));
            }
        });
        return attempt;
    }

    private CompletableFuture<InetSocketAddress> resolve(InetSocketAddress unresolved) {
        CompletableFuture<InetSocketAddress> result = new CompletableFuture<>();
        try {
            resolver.execute(() -> {
                try {
                    InetAddress a = InetAddress.getByName(unresolved.getHostString());
                    result.complete(new InetSocketAddress(a, unresolved.getPort()));
                } catch (UnknownHostException e) {
                    result.completeExceptionally(new TransportException("cannot resolve " + unresolved.getHostString(), e));
                }
            });
        } catch (RejectedExecutionException | NullPointerException e) {
            result.completeExceptionally(new TransportException("cannot resolve " + unresolved.getHostString() + ": resolver busy or stopped", e));
        }
        return result;
    }

    private static <T> CompletableFuture<T> failed(String why) {
        return CompletableFuture.failedFuture(new TransportException(why));
    }

    /** Connection state changes, on the connection's event loop. */
    private final class Events implements ConnectionHandler.Events {
        @Override
        public void ready(Connection c) {
            if (c.isRegistered()) return;
            c.setRegistered(true);
            connections.add(c);
            if (c.isOutbound()) stats.connectionsOpened.increment();
            log.debug("{}: ready", c);
            c.ready().complete(c);
        }

        @Override
        public void closed(Connection c, Throwable cause) {
            if (!c.ready().isDone()) {
                c.ready().completeExceptionally(new TransportException("connection to " + c.transport() + " " + c.remote()
                        + " closed before it was ready" + (cause != null ? ": " + cause.getMessage() : ""), cause));
            }
            if (!connections.remove(c)) return;
            log.debug("{}: closed", c);
            TransportListener l = listener;
            if (l == null || closed.get()) return;
            try {
                l.onFlowClosed(c.flow());
            } catch (RuntimeException e) {
                log.warn("{}: listener failed on onFlowClosed", c, e);
            }
        }

        @Override
        public boolean keepIdle(Connection c) {
            boolean keep = idleRetention.test(c.flow());
            if (!keep) stats.idleClosures.increment();
            return keep;
        }
    }

    /** For tests: the ids of the open connections. */
    List<Long> connectionIds() {
        List<Long> ids = new ArrayList<>();
        for (Connection c : connections.all()) ids.add(c.id());
        return ids;
    }
}

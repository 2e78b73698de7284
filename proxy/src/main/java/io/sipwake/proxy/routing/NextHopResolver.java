package io.sipwake.proxy.routing;

import io.sipwake.sip.message.SipUri;
import io.sipwake.sip.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Turns a SIP URI into a transport and address (the part of RFC 3263 that needs no NAPTR/SRV:
 * explicit transport parameter, else TLS for sips and UDP for sip; maddr, then host; explicit port,
 * else the transport's default). Names are looked up on {@code resolverExecutor} so that no event
 * loop ever blocks on DNS.
 */
public final class NextHopResolver {
    private final Executor resolverExecutor;
    private final boolean lookUpNames;

    /**
     * @param lookUpNames false to route only to IP literals (names fail at once), for closed
     *                    networks and tests that must not send DNS queries
     */
    public NextHopResolver(Executor resolverExecutor, boolean lookUpNames) {
        this.resolverExecutor = resolverExecutor;
        this.lookUpNames = lookUpNames;
    }

    public CompletableFuture<NextHop> resolve(SipUri uri) {
        Transport transport = transportOf(uri);
        if (transport == null) {
            return CompletableFuture.failedFuture(new UnknownHostException("unsupported transport=" + uri.transportParam() + " in " + uri));
        }
        String host = uri.param("maddr") != null ? uri.param("maddr") : uri.host();
        if (host.startsWith("[")) host = host.substring(1, host.length() - 1);
        int port = uri.port() >= 0 ? uri.port() : transport.defaultPort();
        String name = host;
        if (isLiteral(name)) {
            try {
                return CompletableFuture.completedFuture(NextHop.to(transport, new InetSocketAddress(InetAddress.getByName(name), port)));
            } catch (UnknownHostException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        if (!lookUpNames) {
            return CompletableFuture.failedFuture(new UnknownHostException(name + " (name lookups are off: sip.resolve-names)"));
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return NextHop.to(transport, new InetSocketAddress(InetAddress.getByName(name), port));
            } catch (UnknownHostException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, resolverExecutor);
    }

    /** The transport a URI asks for, or null when it names one sipwake does not speak. */
    public static Transport transportOf(SipUri uri) {
        String t = uri.transportParam();
        if (t == null) return uri.isSecure() ? Transport.TLS : Transport.UDP;
        Transport transport = Transport.fromName(t);
        if (transport == Transport.TCP && uri.isSecure()) return Transport.TLS;
        return transport;
    }

    /** True for IPv4 dotted quads and IPv6 literals, which need no lookup. */
    public static boolean isLiteral(String host) {
        if (host.indexOf(':') >= 0) return true;
        int dots = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '.') dots++;
            else if (c < '0' || c > '9') return false;
        }
        return dots == 3;
    }
}

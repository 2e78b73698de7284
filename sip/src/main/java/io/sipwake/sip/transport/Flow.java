package io.sipwake.sip.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The path a message arrived on, and on which answers and later requests can go back (RFC 5626
 * §3: a flow). For UDP it is the (local, remote) address pair; for TCP, TLS, WS and WSS it also
 * names the connection, so that a request for a phone behind NAT can be sent over the very
 * connection its REGISTER came in on.
 *
 * <p>Immutable. {@link #token()} is an opaque printable form that survives a restart of the
 * store (the connection it names will not, and {@link SipTransport#isOpen} then says so).
 */
public final class Flow {
    private final Transport transport;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private final long connectionId; // 0 for UDP and for "any connection to remote"

    public Flow(Transport transport, InetSocketAddress local, InetSocketAddress remote, long connectionId) {
        this.transport = Objects.requireNonNull(transport);
        this.local = local;
        this.remote = Objects.requireNonNull(remote);
        this.connectionId = connectionId;
    }

    public Transport transport() {
        return transport;
    }

    /** The local address the message arrived on, or null when not known. */
    public InetSocketAddress local() {
        return local;
    }

    public InetSocketAddress remote() {
        return remote;
    }

    public long connectionId() {
        return connectionId;
    }

    /** {@code "tcp:127.0.0.1:40000#17"}; parsed back by {@link #parseToken}. */
    public String token() {
        return transport.uriParam() + ":" + hostString(remote) + ":" + remote.getPort() + "#" + connectionId;
    }

    /** Parses a {@link #token()}; returns null when it is not one (the host must be an IP literal; no DNS is done). */
    public static Flow parseToken(String token) {
        try {
            int c1 = token.indexOf(':');
            int hash = token.lastIndexOf('#');
            int c2 = token.lastIndexOf(':', hash);
            Transport t = Transport.fromName(token.substring(0, c1));
            if (t == null || hash < 0 || c2 <= c1) return null;
            // tokens hold IP literals only: never let a token trigger a (blocking) DNS lookup
            InetAddress address = Addresses.literal(token.substring(c1 + 1, c2));
            if (address == null) return null;
            int port = Integer.parseInt(token.substring(c2 + 1, hash));
            long id = Long.parseLong(token.substring(hash + 1));
            return new Flow(t, null, new InetSocketAddress(address, port), id);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String hostString(InetSocketAddress a) {
        String h = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return h.indexOf(':') >= 0 ? "[" + h + "]" : h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Flow f && f.transport == transport && f.connectionId == connectionId && f.remote.equals(remote);
    }

    @Override
    public int hashCode() {
        return Objects.hash(transport, remote, connectionId);
    }

    @Override
    public String toString() {
        return token();
    }
}

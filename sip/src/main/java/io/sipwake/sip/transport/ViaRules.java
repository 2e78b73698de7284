package io.sipwake.sip.transport;

import io.sipwake.sip.message.HeaderNames;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.Via;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * The Via rules of the transport layer, as pure functions: what a server adds to the top Via of a
 * received request (RFC 3261 §18.2.1, RFC 3581 §4) and where a response is sent (RFC 3261
 * §18.2.2, RFC 3581 §4).
 */
final class ViaRules {
    private ViaRules() {}

    /**
     * Adds {@code received=<source ip>} to the top Via when its sent-by host is a name or another
     * address than the packet's source, or when it asks for {@code rport} (RFC 3581 §4 wants
     * {@code received} then even when identical), and fills a valueless {@code rport} with the
     * source port. Rewrites the top Via value in place only when something changed.
     *
     * @throws IllegalArgumentException when the top Via does not parse (the parser has checked it, so
     *     this means a bug or a message built elsewhere)
     */
    static void stampReceived(SipRequest request, InetSocketAddress source) {
        Via top = request.topVia();
        if (top == null || source.getAddress() == null) return;
        InetAddress src = source.getAddress();
        boolean rportRequested = top.hasRport() && top.params().get("rport") == null;
        Via stamped = top;
        if (rportRequested || !sameAddress(top.host(), src)) {
            stamped = stamped.withParam("received", Addresses.text(src));
        }
        if (rportRequested) {
            stamped = stamped.withParam("rport", Integer.toString(source.getPort()));
        }
        if (stamped != top) {
            request.removeFirstValue(HeaderNames.VIA);
            request.addHeaderFirst(HeaderNames.VIA, stamped.toString());
        }
    }

    private static boolean sameAddress(String host, InetAddress address) {
        InetAddress literal = Addresses.literal(host);
        return literal != null && Arrays.equals(literal.getAddress(), address.getAddress());
    }

    /**
     * Where a response goes over UDP (RFC 3261 §18.2.2 and RFC 3581 §4): to {@code received} (or
     * the sent-by host) at the {@code rport} value when present, else the sent-by port, else 5060.
     * {@code maddr} is ignored: sipwake does not send responses to multicast groups. The address is
     * unresolved when the host is a domain name.
     */
    static InetSocketAddress unreliableResponseTarget(Via via) {
        int port = rportValue(via);
        if (port <= 0) port = via.port() > 0 ? via.port() : Transport.UDP.defaultPort();
        return Addresses.socketAddress(responseHost(via), port);
    }

    /**
     * Where a new connection for a response goes when the request's connection has closed (RFC
     * 3261 §18.2.2): {@code received} (or the sent-by host) at the sent-by port, else the
     * transport's default port.
     */
    static InetSocketAddress reliableResponseTarget(Via via, Transport transport) {
        int port = via.port() > 0 ? via.port() : transport.defaultPort();
        return Addresses.socketAddress(responseHost(via), port);
    }

    private static String responseHost(Via via) {
        String received = via.received();
        return received != null && !received.isEmpty() ? received : via.host();
    }

    private static int rportValue(Via via) {
        try {
            return via.rport();
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }
}

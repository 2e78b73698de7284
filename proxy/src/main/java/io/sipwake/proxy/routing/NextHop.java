package io.sipwake.proxy.routing;

import io.sipwake.sip.transport.Flow;
import io.sipwake.sip.transport.Transport;
import java.net.InetSocketAddress;

/**
 * Where to send a request: over an existing flow (RFC 5626: back over the connection a phone
 * registered on), or to a transport address.
 */
public record NextHop(Transport transport, InetSocketAddress address, Flow flow) {

    public static NextHop viaFlow(Flow flow) {
        return new NextHop(flow.transport(), flow.remote(), flow);
    }

    public static NextHop to(Transport transport, InetSocketAddress address) {
        return new NextHop(transport, address, null);
    }
}

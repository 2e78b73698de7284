package io.sipwake.proxy.edge;

import io.sipwake.sip.transport.Flow;
import io.sipwake.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.util.List;

/** The upstreams of edge mode, in configuration order: a domain's own upstream wins over a catch-all one. */
public final class EdgeUpstreams {
    private final List<Upstream> upstreams;

    public EdgeUpstreams(List<Upstream> upstreams) {
        this.upstreams = List.copyOf(upstreams);
    }

    public boolean isEmpty() {
        return upstreams.isEmpty();
    }

    public List<Upstream> all() {
        return upstreams;
    }

    /** The upstream that is the registrar of {@code domain}, or null when sipwake's own registrar is. */
    public Upstream forDomain(String domain) {
        if (domain == null) return null;
        for (Upstream u : upstreams) {
            if (!u.domains().isEmpty() && u.serves(domain)) return u;
        }
        for (Upstream u : upstreams) {
            if (u.domains().isEmpty()) return u;
        }
        return null;
    }

    /**
     * The upstream a request arriving over {@code flow} was sent by, or null when it came from elsewhere (a phone).
     * Over UDP a registrar sends from its listening port, so address and port must match; a connection's source
     * port is ephemeral, so there the address alone decides (run phones and the PBX on different addresses).
     */
    public Upstream sentBy(Flow flow) {
        InetSocketAddress source = flow.remote();
        for (Upstream u : upstreams) {
            if (!u.isAt(source.getAddress())) continue;
            if (flow.transport() != Transport.UDP || source.getPort() == u.port()) return u;
        }
        return null;
    }
}

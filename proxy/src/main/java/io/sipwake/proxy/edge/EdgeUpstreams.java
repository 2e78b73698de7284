package io.sipwake.proxy.edge;

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

    /** The upstream a request arriving from {@code source} was sent by, or null when it came from elsewhere (a phone). */
    public Upstream sentBy(InetSocketAddress source) {
        for (Upstream u : upstreams) {
            if (u.isAt(source.getAddress())) return u;
        }
        return null;
    }
}

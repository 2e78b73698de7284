package io.sipwake.proxy.routing;

import io.sipwake.sip.message.SipUri;
import io.sipwake.sip.message.Via;
import io.sipwake.sip.transport.ListeningPoint;
import io.sipwake.sip.transport.Transport;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Answers "does this URI or Via name sipwake itself?" (RFC 3261 §16.4: a Route or Request-URI that
 * is ours; §16.3 step 4: our own Via in a loop).
 */
public final class LocalAddresses {
    private final List<ListeningPoint> listeningPoints;
    private final Set<String> hosts = new HashSet<>();

    /** @param aliases further host names that mean this server (e.g. a DNS name pointing at it) */
    public LocalAddresses(List<ListeningPoint> listeningPoints, Set<String> aliases) {
        this.listeningPoints = List.copyOf(listeningPoints);
        for (ListeningPoint lp : listeningPoints) hosts.add(lp.host().toLowerCase(Locale.ROOT));
        for (String a : aliases) hosts.add(a.toLowerCase(Locale.ROOT));
    }

    public List<ListeningPoint> listeningPoints() {
        return listeningPoints;
    }

    /** True when the host is one of ours (ignoring port). */
    public boolean isLocalHost(String host) {
        return hosts.contains(host.toLowerCase(Locale.ROOT));
    }

    /** True when the URI names one of our listening points (host and port, the default port counting for 5060/5061). */
    public boolean isLocal(SipUri uri) {
        String host = uri.param("maddr") != null ? uri.param("maddr") : uri.host();
        if (!isLocalHost(host)) return false;
        int port = uri.port();
        for (ListeningPoint lp : listeningPoints) {
            int expected = port >= 0 ? port : (uri.isSecure() || "tls".equals(uri.transportParam()) ? 5061 : 5060);
            if (lp.port() == expected) return true;
        }
        return false;
    }

    /** True when the Via's sent-by is one of our listening points. */
    public boolean isLocal(Via via) {
        if (!isLocalHost(via.host())) return false;
        Transport t = Transport.fromName(via.transport());
        int port = via.port() >= 0 ? via.port() : (t == null ? 5060 : t.defaultPort());
        for (ListeningPoint lp : listeningPoints) {
            if (lp.port() == port) return true;
        }
        return false;
    }
}

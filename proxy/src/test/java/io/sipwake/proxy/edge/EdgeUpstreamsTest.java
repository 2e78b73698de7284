package io.sipwake.proxy.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.sip.message.SipUri;
import io.sipwake.sip.transport.Flow;
import io.sipwake.sip.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EdgeUpstreamsTest {
    private static Upstream upstream(String uri, Set<String> domains, String address) throws Exception {
        return new Upstream(SipUri.parse(uri), domains, Upstream.Mode.PATH, false, List.of(InetAddress.getByName(address)));
    }

    private static Flow from(Transport t, String ip, int port) {
        return new Flow(t, null, new InetSocketAddress(ip, port), t == Transport.UDP ? 0 : 7);
    }

    @Test
    void eachDomainGoesToItsOwnUpstream_andTheRestToTheOneWithoutDomains() throws Exception {
        Upstream a = upstream("sip:10.0.0.5", Set.of(), "10.0.0.5");
        Upstream b = upstream("sip:10.0.0.6:5070", Set.of("b.example.com"), "10.0.0.6");
        EdgeUpstreams upstreams = new EdgeUpstreams(List.of(a, b));
        assertThat(upstreams.forDomain("B.example.com")).isSameAs(b);
        assertThat(upstreams.forDomain("a.example.com")).isSameAs(a);
        assertThat(new EdgeUpstreams(List.of(b)).forDomain("a.example.com")).as("no catch-all: sipwake's own registrar").isNull();
    }

    @Test
    void overUdpTheUpstreamIsKnownByAddressAndPort_overConnectionsByAddress() throws Exception {
        Upstream b = upstream("sip:10.0.0.6:5070", Set.of("b.example.com"), "10.0.0.6");
        EdgeUpstreams upstreams = new EdgeUpstreams(List.of(b));
        assertThat(upstreams.sentBy(from(Transport.UDP, "10.0.0.6", 5070))).isSameAs(b);
        assertThat(upstreams.sentBy(from(Transport.UDP, "10.0.0.6", 40000))).as("a phone on the PBX's host").isNull();
        assertThat(upstreams.sentBy(from(Transport.TCP, "10.0.0.6", 40000))).as("an ephemeral source port").isSameAs(b);
        assertThat(upstreams.sentBy(from(Transport.UDP, "192.0.2.1", 5070))).isNull();
    }

    @Test
    void theUpstreamPortDefaultsByTransport() throws Exception {
        assertThat(upstream("sip:pbx", Set.of(), "10.0.0.5").port()).isEqualTo(5060);
        assertThat(upstream("sips:pbx", Set.of(), "10.0.0.5").port()).isEqualTo(5061);
        assertThat(upstream("sip:pbx;transport=tls", Set.of(), "10.0.0.5").port()).isEqualTo(5061);
    }
}

package io.sipwake.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Flow tokens (RFC 5626 §3: a flow stored with a binding) survive a round trip and never cause DNS lookups. */
class FlowTest {

    @Test
    void tokensRoundTripForIpv4AndIpv6() {
        Flow v4 = new Flow(Transport.TLS, null, new InetSocketAddress(Addresses.literal("192.0.2.1"), 40000), 17);
        Flow v6 = new Flow(Transport.WSS, null, new InetSocketAddress(Addresses.literal("2001:db8::1"), 443), 3);

        assertThat(v4.token()).isEqualTo("tls:192.0.2.1:40000#17");
        assertThat(Flow.parseToken(v4.token())).isEqualTo(v4);
        assertThat(Flow.parseToken(v6.token())).isEqualTo(v6);
    }

    @Test
    void tokenWithAHostNameOrGarbageIsRejectedWithoutLookingItUp() {
        assertThat(Flow.parseToken("tcp:phone.example.com:5060#1")).isNull();
        assertThat(Flow.parseToken("tcp:127.0.0.1:notaport#1")).isNull();
        assertThat(Flow.parseToken("carrier-pigeon:127.0.0.1:5060#1")).isNull();
        assertThat(Flow.parseToken("")).isNull();
    }
}

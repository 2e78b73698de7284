package io.sipwake.sip.transport;

import static io.sipwake.sip.transport.TransportTestSupport.options;
import static io.sipwake.sip.transport.TransportTestSupport.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.Via;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The Via rules of RFC 3261 §18.2.1/§18.2.2 and RFC 3581 §4 as pure functions. */
class ViaRulesTest {

    private static SipRequest stamped(String sentBy, String params, String sourceIp, int sourcePort) throws Exception {
        SipRequest r = (SipRequest) parse(options("UDP", sentBy, params, "v"));
        ViaRules.stampReceived(r, new InetSocketAddress(InetAddress.getByName(sourceIp), sourcePort));
        return r;
    }

    @Test
    void receivedIsAddedWhenTheSentByAddressDiffersFromTheSource_RFC3261_18_2_1() throws Exception {
        Via v = stamped("192.0.2.1:5060", "", "203.0.113.9", 40000).topVia();
        assertThat(v.received()).isEqualTo("203.0.113.9");
        assertThat(v.hasRport()).isFalse();
    }

    @Test
    void receivedIsAddedWhenTheSentByIsADomainName_RFC3261_18_2_1() throws Exception {
        assertThat(stamped("pc33.atlanta.com", "", "192.0.2.1", 5060).topVia().received()).isEqualTo("192.0.2.1");
    }

    @Test
    void nothingChangesWhenSentByIsTheSourceAndNoRportIsAsked() throws Exception {
        SipRequest r = stamped("192.0.2.1:5060", "", "192.0.2.1", 5060);
        assertThat(r.header("Via")).isEqualTo("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKv");
    }

    @Test
    void rportIsFilledAndReceivedAddedEvenWhenIdentical_RFC3581_4() throws Exception {
        Via v = stamped("192.0.2.1:5060", ";rport", "192.0.2.1", 9988).topVia();
        assertThat(v.received()).isEqualTo("192.0.2.1");
        assertThat(v.rport()).isEqualTo(9988);
    }

    @Test
    void anRportThatAlreadyHasAValueIsLeftAlone() throws Exception {
        Via v = stamped("192.0.2.1:5060", ";rport=1234", "192.0.2.1", 9988).topVia();
        assertThat(v.rport()).isEqualTo(1234);
        assertThat(v.received()).isNull();
    }

    @Test
    void ipv6SentByIsComparedAsAnAddress_RFC5118_4_5() throws Exception {
        SipRequest same = stamped("[2001:db8:0:0:0:0:0:1]:5060", "", "2001:db8::1", 5060);
        assertThat(same.topVia().received()).isNull();
        Via other = stamped("[2001:db8::1]:5060", ";rport", "2001:db8::2", 5062).topVia();
        assertThat(other.received()).isEqualTo("2001:db8::2");
        assertThat(other.rport()).isEqualTo(5062);
    }

    @Test
    void udpResponsesGoToReceivedAndRport_RFC3581_4() {
        Via v = Via.parse("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKx;received=192.0.2.1;rport=40000");
        assertThat(ViaRules.unreliableResponseTarget(v)).isEqualTo(new InetSocketAddress(addr("192.0.2.1"), 40000));
    }

    @Test
    void udpResponsesWithoutRportGoToTheSentByPortOr5060_RFC3261_18_2_2() {
        assertThat(ViaRules.unreliableResponseTarget(Via.parse("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKx;received=192.0.2.1")))
                .isEqualTo(new InetSocketAddress(addr("192.0.2.1"), 5070));
        assertThat(ViaRules.unreliableResponseTarget(Via.parse("SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx")))
                .isEqualTo(new InetSocketAddress(addr("10.0.0.1"), 5060));
    }

    @Test
    void maddrIsIgnored() {
        Via v = Via.parse("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKx;maddr=239.255.255.1;ttl=1");
        assertThat(ViaRules.unreliableResponseTarget(v)).isEqualTo(new InetSocketAddress(addr("10.0.0.1"), 5070));
    }

    @Test
    void aDomainSentByIsLeftUnresolvedForTheResolver() {
        InetSocketAddress a = ViaRules.unreliableResponseTarget(Via.parse("SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKx"));
        assertThat(a.isUnresolved()).isTrue();
        assertThat(a.getHostString()).isEqualTo("pc33.atlanta.com");
    }

    @Test
    void reliableResponsesUseReceivedAndTheSentByPortNotRport_RFC3261_18_2_2() {
        Via v = Via.parse("SIP/2.0/TLS 10.0.0.1;branch=z9hG4bKx;received=192.0.2.1;rport=40000");
        assertThat(ViaRules.reliableResponseTarget(v, Transport.TLS)).isEqualTo(new InetSocketAddress(addr("192.0.2.1"), 5061));
    }

    @Test
    void reasonPhrasesAreSanitisedToPrintableAscii() {
        assertThat(SipParseHandler.sanitize("bad \u0000  byte \u00e9\r\n", 400)).isEqualTo("bad ? byte ?");
        assertThat(SipParseHandler.sanitize("", 400)).isEqualTo("Bad Request");
        assertThat(SipParseHandler.sanitize("x".repeat(500), 400)).hasSize(160);
    }

    private static InetAddress addr(String ip) {
        return Addresses.literal(ip);
    }
}

package io.sipwake.sip.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Via header (RFC 3261 §20.42, §18.2.2; RFC 3581 rport; RFC 5118 IPv6). */
class ViaTest {

    @Test
    void parsesProtocolTransportSentByAndParameters() {
        Via v = Via.parse("SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;rport=5067");
        assertThat(v.protocol()).isEqualTo("SIP/2.0");
        assertThat(v.version()).isEqualTo("2.0");
        assertThat(v.transport()).isEqualTo("UDP");
        assertThat(v.isReliable()).isFalse();
        assertThat(v.host()).isEqualTo("pc33.atlanta.com");
        assertThat(v.port()).isEqualTo(5066);
        assertThat(v.branch()).isEqualTo("z9hG4bK776asdhds");
        assertThat(v.hasRfc3261Branch()).isTrue();
        assertThat(v.received()).isEqualTo("192.0.2.1");
        assertThat(v.hasRport()).isTrue();
        assertThat(v.rport()).isEqualTo(5067);
    }

    @Test
    void whiteSpaceIsAllowedAroundSlashesColonSemicolonAndEquals_rfc4475wsinv() {
        Via v = Via.parse("SIP  /    2.0   / TCP     spindle.example.com   :  5070 ;   branch  =   z9hG4bK9ikj8");
        assertThat(v.transport()).isEqualTo("TCP");
        assertThat(v.isReliable()).isTrue();
        assertThat(v.host()).isEqualTo("spindle.example.com");
        assertThat(v.port()).isEqualTo(5070);
        assertThat(v.branch()).isEqualTo("z9hG4bK9ikj8");
    }

    @Test
    void unknownTransportIsKeptUpperCased_rfc4475transports() {
        assertThat(Via.parse("SIP/2.0/unknown t.example.com;branch=z9hG4bK1").transport()).isEqualTo("UNKNOWN");
        assertThat(Via.parse("sip/2.0/sctp t.example.com;branch=z9hG4bK1").transport()).isEqualTo("SCTP");
    }

    @Test
    void ipv6SentByWithAndWithoutPort_rfc5118() {
        Via a = Via.parse("SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111");
        assertThat(a.host()).isEqualTo("[2001:db8::9:1]");
        assertThat(a.port()).isEqualTo(-1);
        Via b = Via.parse("SIP/2.0/UDP [2001:DB8::9:ffff]:5060;branch=z9hG4bKas3-111");
        assertThat(b.host()).isEqualTo("[2001:db8::9:ffff]");
        assertThat(b.port()).isEqualTo(5060);
    }

    @Test
    void receivedWithIpv6IsAcceptedWithOrWithoutBrackets_rfc5118section4_5() {
        assertThat(Via.parse("SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3").received())
                .isEqualTo("[2001:db8::9:255]");
        assertThat(Via.parse("SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas3").received())
                .isEqualTo("2001:db8::9:255");
    }

    @Test
    void rportWithoutValueOrWithAnUnusableValueGivesMinusOne() {
        assertThat(Via.parse("SIP/2.0/UDP h;rport;branch=z9hG4bK1").rport()).isEqualTo(-1);
        assertThat(Via.parse("SIP/2.0/UDP h;rport=abc;branch=z9hG4bK1").rport()).isEqualTo(-1);
        assertThat(Via.parse("SIP/2.0/UDP h;branch=z9hG4bK1").hasRport()).isFalse();
    }

    @Test
    void rfc2543BranchIsNotAnRfc3261Branch() {
        assertThat(Via.parse("SIP/2.0/UDP h;branch=390skdjuw").hasRfc3261Branch()).isFalse();
        assertThat(Via.parse("SIP/2.0/UDP h").branch()).isNull();
        assertThat(Via.parse("SIP/2.0/UDP h;branch=z9hG4bK").hasRfc3261Branch()).isFalse();
    }

    @Test
    void parseListSplitsCommaSeparatedValues() {
        List<Via> vias = Via.parseList("SIP/2.0/TCP a.example.com;branch=z9hG4bK1 , SIP/2.0/UDP 192.168.255.111;branch=z9hG4bK2");
        assertThat(vias).extracting(Via::host).containsExactly("a.example.com", "192.168.255.111");
    }

    @Test
    void serialisesInCanonicalForm() {
        Via v = Via.parse("sip / 2.0 / udp  Host.Example.COM : 5060 ; branch = z9hG4bK1 ; rport");
        assertThat(v.toString()).isEqualTo("SIP/2.0/UDP host.example.com:5060;branch=z9hG4bK1;rport");
        assertThat(Via.parse(v.toString()).toString()).isEqualTo(v.toString());
    }

    @Test
    void constructorAndWithMethodsBuildValues() {
        Via v = new Via("tcp", "Proxy.Example.com", 5060, Parameters.of("branch", "z9hG4bKabc"));
        assertThat(v.toString()).isEqualTo("SIP/2.0/TCP proxy.example.com:5060;branch=z9hG4bKabc");
        assertThat(v.withParam("received", "192.0.2.7").withParam("rport", "5070").toString())
                .isEqualTo("SIP/2.0/TCP proxy.example.com:5060;branch=z9hG4bKabc;received=192.0.2.7;rport=5070");
        assertThat(v.withParam("rport", null).withoutParam("rport").toString()).isEqualTo(v.toString());
        assertThat(new Via("udp", "h", -1, Parameters.empty()).toString()).isEqualTo("SIP/2.0/UDP h");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "SIP/2.0", "SIP/2.0/UDP", "SIP/2.0/UDP ", "HTTP/1.1/TCP h", "SIP/2.0/UDP h:", "SIP/2.0/UDP h:99999",
        "SIP/2.0/UDP h;;", "SIP/2.0/UDP h;branch", "SIP/2.0/UDP h;branch=", "SIP/2.0/UDP h branch=z9hG4bK1",
        "SIP/2.0/UDP h:5060x", "SIP/2.0/UDP [2001:db8::1", "SIP/2.0/UDP h@x", "SIP 2.0/UDP h"})
    void malformedViaIsRejected(String text) {
        assertThatThrownBy(() -> Via.parse(text)).isInstanceOf(SipSyntaxException.class);
    }
}

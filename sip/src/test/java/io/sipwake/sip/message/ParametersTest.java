package io.sipwake.sip.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Header and URI parameters (RFC 3261 §7.3.1, §19.1.1, §25.1 generic-param). */
class ParametersTest {

    @Test
    void parsesFlagsValuesAndQuotedValuesInOrder() {
        Parameters p = Parameters.parse(";lr;expires=3600;reason=\"a; b, c\"");
        assertThat(p.names()).containsExactly("lr", "expires", "reason");
        assertThat(p.has("lr")).isTrue();
        assertThat(p.get("lr")).isNull();
        assertThat(p.get("expires")).isEqualTo("3600");
        assertThat(p.get("reason")).isEqualTo("\"a; b, c\"");
        assertThat(p.unquoted("reason")).isEqualTo("a; b, c");
        assertThat(p.size()).isEqualTo(3);
    }

    @Test
    void leadingSemicolonIsOptionalInThePublicParser() {
        assertThat(Parameters.parse("a=1;b").names()).containsExactly("a", "b");
    }

    @Test
    void namesCompareCaseInsensitivelyAndKeepTheirSpelling() {
        Parameters p = Parameters.parse(";Transport=TCP");
        assertThat(p.get("transport")).isEqualTo("TCP");
        assertThat(p.names()).containsExactly("Transport");
        assertThat(p.entries()).containsExactly(Map.entry("Transport", "TCP"));
    }

    @Test
    void quotedValuesUnescapeBackslashes() {
        assertThat(Parameters.parse(";x=\"a\\\"b\\\\c\"").unquoted("x")).isEqualTo("a\"b\\c");
    }

    @Test
    void ipv6ReferenceIsToleratedAsValue_rfc5118received() {
        assertThat(Parameters.parse(";received=[2001:db8::9:255];branch=z9hG4bKas3").get("received")).isEqualTo("[2001:db8::9:255]");
    }

    @Test
    void utf8QuotedValueSurvives_rfc4475intmeth() {
        String utf8InLatin1 = "\"\u00d1\u0080\u00d0\u00b0\"";
        assertThat(Parameters.parse(";fromParam''~+*_!.-%=" + utf8InLatin1).get("fromParam''~+*_!.-%")).isEqualTo(utf8InLatin1);
    }

    @Test
    void withReplacesInPlaceAndAppendsNewNames() {
        Parameters p = Parameters.parse(";a=1;b=2");
        assertThat(p.with("A", "9").toString()).isEqualTo(";a=9;b=2");
        assertThat(p.with("c", null).toString()).isEqualTo(";a=1;b=2;c");
        assertThat(p.toString()).as("original unchanged").isEqualTo(";a=1;b=2");
    }

    @Test
    void withoutRemovesByNameAndByPrefix() {
        Parameters p = Parameters.parse(";pn-provider=apns;pn-prid=abc;expires=60;pn-param=x");
        assertThat(p.without("EXPIRES").toString()).isEqualTo(";pn-provider=apns;pn-prid=abc;pn-param=x");
        assertThat(p.withoutPrefix("pn-").toString()).isEqualTo(";expires=60");
        assertThat(p.without("absent")).isSameAs(p);
        assertThat(Parameters.parse(";a").without("a").isEmpty()).isTrue();
    }

    @Test
    void ofBuildsFromNameValuePairs() {
        assertThat(Parameters.of("branch", "z9hG4bK1", "rport", null).toString()).isEqualTo(";branch=z9hG4bK1;rport");
        assertThat(Parameters.empty().isEmpty()).isTrue();
    }

    @Test
    void equalityIgnoresCase() {
        assertThat(Parameters.parse(";A=B")).isEqualTo(Parameters.parse(";a=b")).hasSameHashCodeAs(Parameters.parse(";a=b"));
        assertThat(Parameters.parse(";a=b")).isNotEqualTo(Parameters.parse(";a=c"));
    }

    @ParameterizedTest
    @ValueSource(strings = {";", ";;", ";=1", ";a=", ";a=\"unterminated", ";a=1 b=2", ";a=1,b", ";a=[::1", ";a=b\"c\"", ";a;;b"})
    void malformedParametersAreRejected(String text) {
        assertThatThrownBy(() -> Parameters.parse(text)).isInstanceOf(SipSyntaxException.class);
    }
}

package io.sipwake.sip.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 3261 §19.1: SIP and SIPS URIs. */
class SipUriTest {

    @Nested
    class Components {
        @Test
        void parsesUserPasswordHostPortParametersAndHeaders() {
            SipUri u = SipUri.parse("sip:alice:secretword@atlanta.com:5070;transport=tcp;lr?subject=project%20x&priority=urgent");
            assertThat(u.scheme()).isEqualTo("sip");
            assertThat(u.isSecure()).isFalse();
            assertThat(u.user()).isEqualTo("alice");
            assertThat(u.password()).isEqualTo("secretword");
            assertThat(u.host()).isEqualTo("atlanta.com");
            assertThat(u.port()).isEqualTo(5070);
            assertThat(u.transportParam()).isEqualTo("tcp");
            assertThat(u.isLooseRouter()).isTrue();
            assertThat(u.param("lr")).isNull();
            assertThat(u.hasParam("lr")).isTrue();
            assertThat(u.headers()).isEqualTo("subject=project%20x&priority=urgent");
        }

        @Test
        void sipsSchemeIsSecureAndDefaultsToPort5061() {
            SipUri u = SipUri.parse("sips:alice@atlanta.com");
            assertThat(u.isSecure()).isTrue();
            assertThat(u.scheme()).isEqualTo("sips");
            assertThat(u.port()).isEqualTo(-1);
            assertThat(u.portOrDefault()).isEqualTo(5061);
        }

        @Test
        void defaultPortIs5060AndTls5061() {
            assertThat(SipUri.parse("sip:a@h").portOrDefault()).isEqualTo(5060);
            assertThat(SipUri.parse("sip:a@h;transport=TLS").portOrDefault()).isEqualTo(5061);
            assertThat(SipUri.parse("sip:a@h:1234;transport=tls").portOrDefault()).isEqualTo(1234);
        }

        @Test
        void schemeAndHostAreCaseInsensitiveAndHostIsLowerCased() {
            SipUri u = SipUri.parse("SIP:ALICE@AtLanta.CoM");
            assertThat(u.scheme()).isEqualTo("sip");
            assertThat(u.host()).isEqualTo("atlanta.com");
            assertThat(u.user()).isEqualTo("ALICE");
        }

        @Test
        void uriWithoutUserPartHasNullUser() {
            SipUri u = SipUri.parse("sip:registrar.biloxi.com");
            assertThat(u.user()).isNull();
            assertThat(u.host()).isEqualTo("registrar.biloxi.com");
        }

        @Test
        void telephoneSubscriberInUserPartKeepsItsUserParam() {
            SipUri u = SipUri.parse("sip:+1-212-555-1212:1234@gateway.com;user=phone");
            assertThat(u.user()).isEqualTo("+1-212-555-1212");
            assertThat(u.password()).isEqualTo("1234");
            assertThat(u.param("user")).isEqualTo("phone");
        }

        @Test
        void ipv4HostWithPort() {
            SipUri u = SipUri.parse("sip:alice@192.0.2.4:5080");
            assertThat(u.host()).isEqualTo("192.0.2.4");
            assertThat(u.port()).isEqualTo(5080);
        }

        @Test
        void flagAndValuedUriParametersKeepTheirOrder() {
            SipUri u = SipUri.parse("sip:proxy.example.com;lr;maddr=239.255.255.1;ttl=15;method=REGISTER");
            assertThat(u.params().names()).containsExactly("lr", "maddr", "ttl", "method");
            assertThat(u.param("MADDR")).isEqualTo("239.255.255.1");
        }
    }

    @Nested
    class Escapes {
        @Test
        void userPartMayContainSemicolonAndEscapedAt_rfc4475semiuri() {
            SipUri u = SipUri.parse("sip:user;par=u%40example.net@example.com");
            assertThat(u.user()).isEqualTo("user;par=u%40example.net");
            assertThat(u.userUnescaped()).isEqualTo("user;par=u@example.net");
            assertThat(u.host()).isEqualTo("example.com");
            assertThat(u.params().isEmpty()).isTrue();
        }

        @Test
        void escapedUserIsKeptAsWrittenAndUnescapedOnRequest() {
            SipUri u = SipUri.parse("sip:sips%3Auser%40example.com@example.net");
            assertThat(u.user()).isEqualTo("sips%3Auser%40example.com");
            assertThat(u.userUnescaped()).isEqualTo("sips:user@example.com");
            assertThat(u.toString()).isEqualTo("sip:sips%3Auser%40example.com@example.net");
        }

        @Test
        void escapedNulIsAnOrdinaryCharacter_rfc4475escnull() {
            assertThat(SipUri.parse("sip:null-%00-null@example.com").userUnescaped()).isEqualTo("null-\0-null");
            assertThat(SipUri.parse("sip:%00@h").userUnescaped()).isNotEqualTo(SipUri.parse("sip:%00%00@h").userUnescaped());
        }

        @Test
        void unescapeDecodesUtf8() {
            assertThat(SipUri.unescape("%C3%A9t%C3%A9")).isEqualTo("\u00e9t\u00e9");
            assertThat(SipUri.unescape(null)).isNull();
            assertThat(SipUri.unescape("plain")).isEqualTo("plain");
        }

        @Test
        void escapedParametersAreKeptAsWritten_rfc4475esc01() {
            SipUri u = SipUri.parse("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31");
            assertThat(u.userUnescaped()).isEqualTo("caller");
            assertThat(u.params().names()).containsExactly("%6C%72", "n%61me");
            assertThat(u.param("n%61me")).isEqualTo("v%61lue%25%34%31");
            assertThat(SipUri.unescape(u.param("n%61me"))).isEqualTo("value%41");
        }

        @Test
        void toAddressOfRecordDropsPortParametersAndHeadersAndNormalisesNeedlessEscapes() {
            SipUri aor = SipUri.parse("sip:%62ob@Biloxi.COM:5070;transport=tcp?subject=x").toAddressOfRecord();
            assertThat(aor.toString()).isEqualTo("sip:bob@biloxi.com");
            assertThat(SipUri.parse("sip:a%40b@h").toAddressOfRecord().user()).isEqualTo("a%40b");
        }

        @ParameterizedTest
        @ValueSource(strings = {"sip:a%4@h", "sip:a%zz@h", "sip:a%@h"})
        void incompleteEscapeIsRejected(String uri) {
            assertThatThrownBy(() -> SipUri.parse(uri)).isInstanceOf(SipSyntaxException.class).hasMessageContaining("escape");
        }
    }

    @Nested
    class Ipv6 {
        @Test
        void ipv6ReferenceKeepsItsBrackets_rfc5118() {
            SipUri u = SipUri.parse("sip:[2001:DB8::10]");
            assertThat(u.host()).isEqualTo("[2001:db8::10]");
            assertThat(u.port()).isEqualTo(-1);
        }

        @Test
        void portAfterTheClosingBracketIsThePort_rfc5118portUnambiguous() {
            SipUri u = SipUri.parse("sip:[2001:db8::10]:5070");
            assertThat(u.host()).isEqualTo("[2001:db8::10]");
            assertThat(u.port()).isEqualTo(5070);
        }

        @Test
        void portInsideTheBracketsIsPartOfTheAddress_rfc5118portAmbiguous() {
            SipUri u = SipUri.parse("sip:[2001:db8::10:5070]");
            assertThat(u.host()).isEqualTo("[2001:db8::10:5070]");
            assertThat(u.port()).isEqualTo(-1);
            assertThat(u.portOrDefault()).isEqualTo(5060);
        }

        @Test
        void ipv4MappedAndThreeColonFormsAreTolerated_rfc5118() {
            assertThat(SipUri.parse("sip:[::ffff:192.0.2.10]:19823").host()).isEqualTo("[::ffff:192.0.2.10]");
            assertThat(SipUri.parse("sip:user@[2001:db8:::192.0.2.1]").host()).isEqualTo("[2001:db8:::192.0.2.1]");
        }

        @Test
        void rawIpv6AddressWithoutBracketsIsRejected_rfc5118ipv6bad() {
            assertThatThrownBy(() -> SipUri.parse("sip:2001:db8::10")).isInstanceOf(SipSyntaxException.class);
        }

        @ParameterizedTest
        @ValueSource(strings = {"sip:[2001:db8::10", "sip:[]", "sip:[hello]", "sip:[1::2]x"})
        void malformedIpv6ReferenceIsRejected(String uri) {
            assertThatThrownBy(() -> SipUri.parse(uri)).isInstanceOf(SipSyntaxException.class);
        }
    }

    @Nested
    class Rejections {
        @ParameterizedTest
        @ValueSource(strings = {
            "sip:", "sip:@host", "sip:user@", "sip:user@host:", "sip:user@host:65536", "sip:user@host:80a",
            "sip:user@ho st", "sip:us er@host", "sip:user@host;", "sip:user@host;=v", "sip:user@host;p=",
            "sip:user@host;p=\"quoted\"", "sip:user@host:5060x", "http://example.com", "sip:a@b@c", "sip:us\"er@host",
            "sip:<user>@host", "sip:user@host?h=<v>"})
        void malformedUriIsRejectedWithASyntaxError(String uri) {
            assertThatThrownBy(() -> SipUri.parse(uri)).isInstanceOf(SipSyntaxException.class);
        }
    }

    @Nested
    class Serialisation {
        @ParameterizedTest
        @ValueSource(strings = {
            "sip:alice@atlanta.com", "sips:alice:pw@atlanta.com:5061;transport=tls", "sip:[2001:db8::10]:5070;lr",
            "sip:user;par=u%40example.net@example.com", "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
            "sip:+1-212-555-1212:1234@gateway.com;user=phone", "sip:proxy.example.com;lr;ftag=abc"})
        void toStringGivesTheUriBackAsWritten(String text) {
            assertThat(SipUri.parse(text).toString()).isEqualTo(text);
        }

        @Test
        void withMethodsReturnModifiedCopies() {
            SipUri u = SipUri.parse("sip:alice@atlanta.com;transport=udp?subject=x");
            assertThat(u.withUser("bob").toString()).isEqualTo("sip:bob@atlanta.com;transport=udp?subject=x");
            assertThat(u.withHostPort("Proxy.Example.com", 5080).toString()).isEqualTo("sip:alice@proxy.example.com:5080;transport=udp?subject=x");
            assertThat(u.withParam("lr", null).toString()).isEqualTo("sip:alice@atlanta.com;transport=udp;lr?subject=x");
            assertThat(u.withParam("transport", "tcp").toString()).isEqualTo("sip:alice@atlanta.com;transport=tcp?subject=x");
            assertThat(u.withoutParam("transport").toString()).isEqualTo("sip:alice@atlanta.com?subject=x");
            assertThat(u.withoutHeaders().toString()).isEqualTo("sip:alice@atlanta.com;transport=udp");
            assertThat(u.toString()).isEqualTo("sip:alice@atlanta.com;transport=udp?subject=x");
        }

        @Test
        void ofBuildsAUriFromUserHostAndPort() {
            assertThat(SipUri.of("bob", "Example.COM", 5070).toString()).isEqualTo("sip:bob@example.com:5070");
            assertThat(SipUri.of(null, "example.com", -1).toString()).isEqualTo("sip:example.com");
        }

        @Test
        void equalsComparesTheSerialisedForm() {
            assertThat(SipUri.parse("sip:a@H.com")).isEqualTo(SipUri.parse("sip:a@h.com")).hasSameHashCodeAs(SipUri.parse("sip:a@h.com"));
            assertThat(SipUri.parse("sip:a@h.com;lr")).isNotEqualTo(SipUri.parse("sip:a@h.com"));
        }
    }
}

package io.sipwake.sip.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** name-addr and addr-spec with header parameters (RFC 3261 §20.10, §20.20, §25.1). */
class NameAddressTest {

    @Nested
    class NameAddr {
        @Test
        void quotedDisplayNameIsKeptAsWrittenAndUnquotedOnRequest() {
            NameAddress a = NameAddress.parse("\"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>;tag=98asjd8");
            assertThat(a.displayName()).isEqualTo("\"J Rosenberg \\\\\\\"\"");
            assertThat(a.displayNameUnquoted()).isEqualTo("J Rosenberg \\\"");
            assertThat(a.sipUri().user()).isEqualTo("jdrosen");
            assertThat(a.tag()).isEqualTo("98asjd8");
        }

        @Test
        void tokenDisplayNameMayHaveSeveralWords() {
            NameAddress a = NameAddress.parse("token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;tag=x");
            assertThat(a.displayName()).isEqualTo("token1~` token2'+_ token3*%!.-");
            assertThat(a.displayNameUnquoted()).isEqualTo(a.displayName());
        }

        @Test
        void noWhiteSpaceIsNeededBeforeTheAngleBracket_rfc4475lwsdisp() {
            NameAddress a = NameAddress.parse("caller<sip:caller@example.com>;tag=323");
            assertThat(a.displayName()).isEqualTo("caller");
            assertThat(a.uri().toString()).isEqualTo("sip:caller@example.com");
        }

        @Test
        void quotedDisplayNameMayHoldCommasAngleBracketsAndSemicolons() {
            NameAddress a = NameAddress.parse("\"Watson, Thomas <;>\" <sip:t.watson@example.org>");
            assertThat(a.displayNameUnquoted()).isEqualTo("Watson, Thomas <;>");
            assertThat(a.params().isEmpty()).isTrue();
        }

        @Test
        void parametersInsideTheBracketsBelongToTheUri_rfc4475cparam02() {
            NameAddress a = NameAddress.parse("<sip:+19725552222@gw1.example.net;unknownparam>");
            assertThat(a.sipUri().hasParam("unknownparam")).isTrue();
            assertThat(a.params().has("unknownparam")).isFalse();
        }

        @Test
        void headersInsideTheBracketsBelongToTheUri_rfc4475regescrt() {
            NameAddress a = NameAddress.parse("<sip:user@example.com?Route=%3Csip:sip.example.com%3E>");
            assertThat(a.sipUri().headers()).isEqualTo("Route=%3Csip:sip.example.com%3E");
        }

        @Test
        void headerParametersMayHaveWhiteSpaceAroundSemicolonAndEquals() {
            NameAddress a = NameAddress.parse("\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =  newvalue ;  secondparam ; q = 0.33");
            assertThat(a.params().names()).containsExactly("newparam", "secondparam", "q");
            assertThat(a.param("newparam")).isEqualTo("newvalue");
            assertThat(a.param("secondparam")).isNull();
            assertThat(a.param("q")).isEqualTo("0.33");
        }

        @Test
        void nonSipUriInBrackets() {
            NameAddress a = NameAddress.parse("<tel:+15551234>;tag=1");
            assertThat(a.uri()).isInstanceOf(TelUri.class);
            assertThat(a.sipUri()).isNull();
            assertThat(NameAddress.parse("<http://example.com/x>").uri().scheme()).isEqualTo("http");
        }
    }

    @Nested
    class AddrSpec {
        @Test
        void semicolonParametersAfterAnAddrSpecAreHeaderParameters_rfc4475cparam01() {
            NameAddress a = NameAddress.parse("sip:+19725552222@gw1.example.net;unknownparam");
            assertThat(a.params().has("unknownparam")).isTrue();
            assertThat(a.sipUri().hasParam("unknownparam")).isFalse();
            assertThat(a.sipUri().toString()).isEqualTo("sip:+19725552222@gw1.example.net");
        }

        @Test
        void tagAfterAnAddrSpecIsAHeaderParameter() {
            NameAddress a = NameAddress.parse("sip:caller@example.org;tag=33242");
            assertThat(a.displayName()).isNull();
            assertThat(a.tag()).isEqualTo("33242");
        }

        @Test
        void whiteSpaceMaySurroundTheHeaderParameters() {
            NameAddress a = NameAddress.parse(" sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n");
            assertThat(a.sipUri().host()).isEqualTo("chair-dnrc.example.com");
            assertThat(a.tag()).isEqualTo("1918181833n");
        }

        @Test
        void addrSpecWithEscapedHeadersMustBeInBrackets_rfc4475regbadct() {
            assertThatThrownBy(() -> NameAddress.parse("sip:user@example.com?Route=%3Csip:example.com%3E"))
                    .isInstanceOf(SipSyntaxException.class).hasMessageContaining("<>");
        }

        @Test
        void serialisesAsNameAddrSoParametersStayHeaderParameters() {
            assertThat(NameAddress.parse("sip:watson@example.com;tag=1;unknownparam").toString())
                    .isEqualTo("<sip:watson@example.com>;tag=1;unknownparam");
        }
    }

    @Nested
    class Rejections {
        @ParameterizedTest
        @ValueSource(strings = {
            "\"Watson, Thomas\" < sip:t.watson@example.org >", // rfc4475 badaspec
            "\"unterminated <sip:a@b>",                         // rfc4475 quotbal
            "Bell, Alexander <sip:a.g.bell@example.com>",       // rfc4475 baddn
            "\"Bob\" sip:bob@example.com",
            "<sip:a@b",
            "<>",
            "<sip:a@b>garbage",
            "<sip:a@b> tag=1",
            "<sip:a@b>;",
            "<sip:a@b>;tag=",
            "<sip:a@b>;tag=\"open",
            "sip:a@b junk",
            ""})
        void malformedValueIsRejected(String text) {
            assertThatThrownBy(() -> NameAddress.parse(text)).isInstanceOf(SipSyntaxException.class);
        }
    }

    @Test
    void toStringAlwaysUsesAngleBracketsAndKeepsParameterOrder() {
        NameAddress a = NameAddress.parse("Alice <sip:alice@atlanta.com>;tag=1928301774;x=\"y z\"");
        assertThat(a.toString()).isEqualTo("Alice <sip:alice@atlanta.com>;tag=1928301774;x=\"y z\"");
        assertThat(NameAddress.parse(a.toString())).isEqualTo(a);
    }

    @Test
    void withMethodsReturnModifiedCopies() {
        NameAddress a = NameAddress.parse("Bob <sip:bob@biloxi.com>");
        NameAddress tagged = a.withParam("tag", "a6c85cf");
        assertThat(tagged.toString()).isEqualTo("Bob <sip:bob@biloxi.com>;tag=a6c85cf");
        assertThat(tagged.withoutParam("tag")).isEqualTo(a);
        assertThat(a.withUri(SipUri.parse("sip:bob@192.0.2.4")).toString()).isEqualTo("Bob <sip:bob@192.0.2.4>");
        assertThat(a.withParams(Parameters.of("expires", "3600")).toString()).isEqualTo("Bob <sip:bob@biloxi.com>;expires=3600");
        assertThat(NameAddress.of(SipUri.parse("sip:x@y")).toString()).isEqualTo("<sip:x@y>");
        assertThat(a.tag()).isNull();
    }
}

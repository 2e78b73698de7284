package io.sipwake.sip.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The shared scanners of the RFC 3261 §25 grammar. */
class LexerTest {

    @Test
    void tokensAreAlphanumericsAndTheTokenMarks() {
        assertThat(Lexer.isToken("!interesting-Method0123456789_*+`.%indeed'~")).isTrue();
        assertThat(Lexer.isToken("")).isFalse();
        assertThat(Lexer.isToken("a b")).isFalse();
        assertThat(Lexer.isToken("a:b")).isFalse();
        assertThat(Lexer.isToken("caf\u00e9")).isFalse();
        assertThat(Lexer.isTokenChar('~')).isTrue();
        assertThat(Lexer.isTokenChar('@')).isFalse();
    }

    @Test
    void listSplitsAtCommasOutsideQuotesAndAngleBrackets() {
        assertThat(Lexer.splitList("\"Watson, Thomas\" <sip:a@b;x=1,2>, <sip:c@d> ,sip:e@f"))
                .containsExactly("\"Watson, Thomas\" <sip:a@b;x=1,2>", "<sip:c@d>", "sip:e@f");
    }

    @Test
    void listElementsAreTrimmedOfLinearWhiteSpace() {
        assertThat(Lexer.splitList("application/sdp, application/pkcs7-mime,\t multipart/mixed"))
                .containsExactly("application/sdp", "application/pkcs7-mime", "multipart/mixed");
    }

    @Test
    void escapedQuoteDoesNotEndAQuotedString() {
        assertThat(Lexer.splitList("\"a\\\", b\" <sip:x@y>, <sip:z@w>")).hasSize(2);
    }

    @Test
    void emptyValueIsAnEmptyList_rfc3261AcceptAndSupportedMayBeEmpty() {
        assertThat(Lexer.splitList("")).isEmpty();
        assertThat(Lexer.splitList("  ")).isEmpty();
    }

    @Test
    void emptyElementBetweenCommasIsRejected_rfc4475badinv01() {
        assertThatThrownBy(() -> Lexer.splitList("SIP/2.0/UDP 192.0.2.15;;,;,,")).isInstanceOf(SipSyntaxException.class);
        assertThatThrownBy(() -> Lexer.splitList("a,,b")).isInstanceOf(SipSyntaxException.class);
        assertThatThrownBy(() -> Lexer.splitList("a,")).isInstanceOf(SipSyntaxException.class);
    }

    @Test
    void unterminatedQuoteInAListIsRejected() {
        assertThatThrownBy(() -> Lexer.splitList("\"open, <sip:a@b>")).isInstanceOf(SipSyntaxException.class);
    }

    @Test
    void quoteAndUnquoteAreInverse() {
        String raw = "say \"hi\" \\ bye";
        String quoted = Lexer.quote(raw);
        assertThat(quoted).isEqualTo("\"say \\\"hi\\\" \\\\ bye\"");
        assertThat(Lexer.unquote(quoted)).isEqualTo(raw);
        assertThat(Lexer.unquote("plain")).isEqualTo("plain");
        assertThat(Lexer.unquote("\"\"")).isEmpty();
    }
}

package io.sipwake.sip.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Uri#parse}: sip/sips, tel (RFC 3966) and other absolute URIs (RFC 3261 §19, §25.1). */
class UriTest {

    @Test
    void sipAndSipsUrisBecomeSipUri() {
        assertThat(Uri.parse("sip:a@h")).isInstanceOf(SipUri.class);
        assertThat(Uri.parse("SIPS:a@h")).isInstanceOfSatisfying(SipUri.class, u -> assertThat(u.isSecure()).isTrue());
    }

    @Test
    void telUriKeepsNumberAndParameters() {
        Uri uri = Uri.parse("tel:+1-201-555-0123;ext=1234;phone-context=example.com");
        assertThat(uri).isInstanceOf(TelUri.class);
        TelUri tel = (TelUri) uri;
        assertThat(tel.scheme()).isEqualTo("tel");
        assertThat(tel.number()).isEqualTo("+1-201-555-0123");
        assertThat(tel.isGlobal()).isTrue();
        assertThat(tel.params().get("ext")).isEqualTo("1234");
        assertThat(tel.toString()).isEqualTo("tel:+1-201-555-0123;ext=1234;phone-context=example.com");
    }

    @Test
    void localTelNumberIsNotGlobal() {
        TelUri tel = (TelUri) Uri.parse("tel:7042;phone-context=example.com");
        assertThat(tel.isGlobal()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tel:", "tel:;ext=1", "tel:+1 555", "tel:12@34"})
    void malformedTelUriIsRejected(String text) {
        assertThatThrownBy(() -> Uri.parse(text)).isInstanceOf(SipSyntaxException.class);
    }

    @Test
    void unknownSchemeIsKeptOpaqueWithLowerCasedScheme_rfc4475unkscm() {
        Uri uri = Uri.parse("nobodyKnowsThisScheme:totallyopaquecontent");
        assertThat(uri).isInstanceOf(AbsoluteUri.class);
        assertThat(uri.scheme()).isEqualTo("nobodyknowsthisscheme");
        assertThat(uri.toString()).isEqualTo("nobodyKnowsThisScheme:totallyopaquecontent");
    }

    @Test
    void registeredButAtypicalSchemeIsAnAbsoluteUri_rfc4475novelsc() {
        assertThat(Uri.parse("soap.beep://192.0.2.103:3002").scheme()).isEqualTo("soap.beep");
        assertThat(Uri.parse("http://www.example.com").scheme()).isEqualTo("http");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "nocolon", ":x", "1sip:x", "<sip:a@b>", "ab c:x", "http:", "http://a b", "http://a\"b"})
    void textThatIsNoUriIsRejected(String text) {
        assertThatThrownBy(() -> Uri.parse(text)).isInstanceOf(SipSyntaxException.class);
    }
}

package io.sipwake.sip.message;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Header names: compact forms (RFC 3261 §7.3.3, §20) and case-insensitivity. */
class HeaderNamesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "i, Call-ID", "I, Call-ID", "m, Contact", "e, Content-Encoding", "l, Content-Length", "c, Content-Type",
        "f, From", "s, Subject", "k, Supported", "t, To", "v, Via", "V, Via",
        "o, Event", "u, Allow-Events", "r, Refer-To", "b, Referred-By", "x, Session-Expires"})
    void compactFormMapsToTheLongName(String compact, String canonical) {
        assertThat(HeaderNames.canonical(compact)).isEqualTo(canonical);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"vIa, Via", "CALL-id, Call-ID", "cseq, CSeq", "MaX-fOrWaRdS, Max-Forwards", "www-authenticate, WWW-Authenticate"})
    void knownNamesAreCaseInsensitive(String written, String canonical) {
        assertThat(HeaderNames.canonical(written)).isEqualTo(canonical);
    }

    @Test
    void unknownNamesAreKeptAsWritten() {
        assertThat(HeaderNames.canonical("NewFangledHeader")).isEqualTo("NewFangledHeader");
        assertThat(HeaderNames.canonical("C%6Fntact")).isEqualTo("C%6Fntact");
        assertThat(HeaderNames.canonical("a")).isEqualTo("a");
    }

    @Test
    void listHeadersAreKnown() {
        assertThat(HeaderNames.isList("Via")).isTrue();
        assertThat(HeaderNames.isList("contact")).isTrue();
        assertThat(HeaderNames.isList("Route")).isTrue();
        assertThat(HeaderNames.isList("Call-ID")).isFalse();
        assertThat(HeaderNames.isList("From")).isFalse();
        assertThat(HeaderNames.isList("Authorization")).as("digest credentials hold commas").isFalse();
        assertThat(HeaderNames.isList("WWW-Authenticate")).isFalse();
    }
}

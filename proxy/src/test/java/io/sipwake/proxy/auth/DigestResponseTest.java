package io.sipwake.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DigestResponseTest {

    @Test
    void parses_the_rfc3261_example_with_folded_lines() {
        DigestResponse r = DigestResponse.parse("Digest username=\"bob\",\r\n realm=\"biloxi.com\",\r\n"
                + "  nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n  uri=\"sip:bob@biloxi.com\",\r\n"
                + "  qop=auth,\r\n  nc=00000001,\r\n  cnonce=\"0a4f113b\",\r\n"
                + "  response=\"6629fae49393a05397450978507c4ef1\",\r\n  opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");

        assertThat(r).isEqualTo(new DigestResponse("bob", "biloxi.com", "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                "sip:bob@biloxi.com", "6629fae49393a05397450978507c4ef1", null, "auth", "00000001", "0a4f113b",
                "5ccc069c403ebaf9f0171e9517f40e41", false));
    }

    @Test
    void tolerates_odd_spacing_empty_list_elements_and_case() {
        DigestResponse r = DigestResponse.parse(" digest\tUserName = \"alice\"  ,, REALM=\"r\",nonce= \"n\" ,"
                + "Uri =\"sip:r\",\tresponse=\"abc\"  ,Algorithm = sha-256 , ");

        assertThat(r.username()).isEqualTo("alice");
        assertThat(r.realm()).isEqualTo("r");
        assertThat(r.nonce()).isEqualTo("n");
        assertThat(r.uri()).isEqualTo("sip:r");
        assertThat(r.response()).isEqualTo("abc");
        assertThat(r.algorithm()).isEqualTo("sha-256");
    }

    @Test
    void unescapes_quoted_pairs() {
        DigestResponse r = DigestResponse.parse(
                "Digest username=\"a \\\"quoted\\\" name \\\\ and, comma\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"");

        assertThat(r.username()).isEqualTo("a \"quoted\" name \\ and, comma");
    }

    @Test
    void accepts_quoted_or_unquoted_algorithm_qop_and_nc() {
        String tail = "username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:r\", response=\"x\", cnonce=\"c\"";
        DigestResponse unquoted = DigestResponse.parse("Digest algorithm=MD5, qop=auth, nc=0000000a, " + tail);
        DigestResponse quoted = DigestResponse.parse("Digest algorithm=\"MD5\", qop=\"auth\", nc=\"0000000a\", " + tail);

        assertThat(quoted).isEqualTo(unquoted);
        assertThat(unquoted.algorithm()).isEqualTo("MD5");
        assertThat(unquoted.qop()).isEqualTo("auth");
        assertThat(unquoted.nc()).isEqualTo("0000000a");
    }

    @Test
    void reads_userhash_and_ignores_unknown_parameters() {
        DigestResponse r = DigestResponse.parse("Digest username=\"h\", realm=\"r\", nonce=\"n\", uri=\"u\", "
                + "response=\"x\", userhash=TRUE, x-vendor=\"whatever\", charset=UTF-8");

        assertThat(r.userhash()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
        "Bearer abc",
        "DigestX username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"",
        "Digest",
        "Digest   ",
        "",
        "username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"",
        "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\"",                             // no response
        "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\", realm=\"evil\"", // duplicate
        "Digest username=\"u\", REALM=\"r\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"",   // duplicate
        "Digest username=\"u, realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"",               // quotes
        "Digest username=\"u\" realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"",              // missing comma
        "Digest username=\"u\", realm, nonce=\"n\", uri=\"u\", response=\"x\"",                   // no '='
        "Digest username=, realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"",                  // empty value
        "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\\",             // dangling escape
    })
    void rejects_malformed_values(String value) {
        assertThatIllegalArgumentException().isThrownBy(() -> DigestResponse.parse(value));
    }

    @Test
    void rejects_null() {
        assertThatIllegalArgumentException().isThrownBy(() -> DigestResponse.parse(null));
    }

    @Test
    void parses_challenges_too() {
        DigestChallenge c = DigestChallenge.parse(
                "Digest realm=\"atlanta.com\", domain=\"sip:ss1.carrier.com\", qop=\"auth, Auth-Int\", "
                        + "nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", opaque=\"\", stale=FALSE, algorithm=MD5");

        assertThat(c).isEqualTo(new DigestChallenge("atlanta.com", "f84f1cec41e6cbe5aea9c8e88d359", "MD5",
                java.util.List.of("auth", "auth-int"), "", false));
        assertThat(DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\", stale=true").stale()).isTrue();
        assertThatIllegalArgumentException().isThrownBy(() -> DigestChallenge.parse("Digest realm=\"r\""));
    }
}

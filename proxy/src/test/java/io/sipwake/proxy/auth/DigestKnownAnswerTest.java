package io.sipwake.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Published example exchanges, reproduced bit for bit. */
class DigestKnownAnswerTest {

    private static final String RFC7616_NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private static final String RFC7616_CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    private static final String RFC7616_OPAQUE = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";

    private static String rfc7616Challenge(String algorithm) {
        return "Digest\r\n    realm=\"http-auth@example.org\",\r\n    qop=\"auth, auth-int\",\r\n"
                + "    algorithm=" + algorithm + ",\r\n    nonce=\"" + RFC7616_NONCE + "\",\r\n"
                + "    opaque=\"" + RFC7616_OPAQUE + "\"";
    }

    @Test
    void rfc7616_section_3_9_1_sha256() {
        String authorization = DigestClient.authorization(rfc7616Challenge("SHA-256"), "GET", "/dir/index.html",
                "Mufasa", "Circle of Life", RFC7616_CNONCE, 1);

        assertThat(authorization).isEqualTo("Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
                + "nonce=\"" + RFC7616_NONCE + "\", uri=\"/dir/index.html\", algorithm=SHA-256, qop=auth, "
                + "nc=00000001, cnonce=\"" + RFC7616_CNONCE + "\", "
                + "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", "
                + "opaque=\"" + RFC7616_OPAQUE + "\"");
    }

    @Test
    void rfc7616_section_3_9_1_md5() {
        String authorization = DigestClient.authorization(rfc7616Challenge("MD5"), "GET", "/dir/index.html",
                "Mufasa", "Circle of Life", RFC7616_CNONCE, 1);

        assertThat(DigestResponse.parse(authorization).response()).isEqualTo("8ca523f5e9506fed4657c9700eebdbec");
    }

    @Test
    void rfc2617_section_3_5_md5_without_algorithm_parameter() {
        String challenge = "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
                + "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

        String authorization = DigestClient.authorization(challenge, "GET", "/dir/index.html",
                "Mufasa", "Circle Of Life", "0a4f113b", 1);

        assertThat(authorization).isEqualTo("Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
                + "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", qop=auth, "
                + "nc=00000001, cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", "
                + "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
    }

    @Test
    void rfc7616_section_3_9_2_sha512_256_as_corrected_by_erratum() {
        // The example uses userhash; the request-digest itself is over the plain username. The response
        // printed in the RFC (ae66e67d...) cannot be reproduced from its inputs; this is the value in the
        // RFC errata, which other implementations (and Python hashlib) compute too.
        String response = DigestAlgorithm.SHA_512_256.response("J\u00e4s\u00f8n Doe", "api@example.org",
                "Secret, or not?", "GET", "/doe.json", "5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", "auth",
                "00000001", "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v", null);

        assertThat(response).isEqualTo("3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5");
    }

    @Test
    void sess_variant_hashes_nonce_and_cnonce_into_ha1() {
        DigestAlgorithm md5 = DigestAlgorithm.MD5;
        String ha1 = md5.hash(md5.hash("Mufasa:testrealm@host.com:Circle Of Life") + ":n:c");
        String expected = md5.hash(ha1 + ":n:00000001:c:auth:" + md5.hash("GET:/dir/index.html"));

        assertThat(DigestAlgorithm.MD5_SESS.response("Mufasa", "testrealm@host.com", "Circle Of Life", "GET",
                "/dir/index.html", "n", "auth", "00000001", "c", null)).isEqualTo(expected);
    }

    @Test
    void auth_int_hashes_the_body_into_ha2() {
        DigestAlgorithm sha = DigestAlgorithm.SHA_256;
        byte[] body = "v=0\r\n".getBytes(StandardCharsets.UTF_8);
        String ha1 = sha.hash("bob:r:pw");
        String expected = sha.hash(ha1 + ":n:00000002:c:auth-int:" + sha.hash("INVITE:sip:x@r:" + sha.hash(body)));

        assertThat(sha.response("bob", "r", "pw", "INVITE", "sip:x@r", "n", "auth-int", "00000002", "c", body))
                .isEqualTo(expected);
    }

    @Test
    void rfc2069_form_without_qop() {
        DigestAlgorithm md5 = DigestAlgorithm.MD5;
        String expected = md5.hash(md5.hash("Mufasa:testrealm@host.com:Circle Of Life")
                + ":dcd98b7102dd2f0e8b11d0f600bfb0c093:" + md5.hash("GET:/dir/index.html"));
        String challenge = "Digest realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"";

        String authorization = DigestClient.authorization(challenge, "GET", "/dir/index.html",
                "Mufasa", "Circle Of Life", null, 1);

        assertThat(authorization).isEqualTo("Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
                + "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", "
                + "response=\"" + expected + "\"");
    }
}

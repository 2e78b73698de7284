package io.sipwake.proxy.auth;

import java.util.Locale;

/**
 * Client side of SIP Digest authentication: turns a challenge into an {@code Authorization} value.
 * Used by tests and by sipwake's own test clients.
 */
public final class DigestClient {

    private DigestClient() {}

    /**
     * The {@code Authorization} (or {@code Proxy-Authorization}) value answering {@code challengeValue}.
     *
     * <p>Uses the challenge's algorithm (MD5 if absent) and qop=auth when offered; a challenge without
     * qop gets the RFC 2069 form (no nc, no cnonce). The {@code algorithm} parameter is echoed only if
     * the challenge had one, and {@code opaque} only if present.
     *
     * @param uri the digest-uri, normally the Request-URI, e.g. {@code sip:example.org}
     * @param cnonce client nonce, any non-empty string; pass a random one outside tests
     * @param nc how many requests (including this one) the client has sent with this nonce, from 1
     * @throws IllegalArgumentException if the challenge is malformed, its algorithm unknown, or it
     *     offers qop but not {@code auth}
     */
    public static String authorization(String challengeValue, String method, String uri, String username,
                                       String password, String cnonce, int nc) {
        DigestChallenge challenge = DigestChallenge.parse(challengeValue);
        DigestAlgorithm algorithm = DigestAlgorithm.fromToken(challenge.algorithm())
                .orElseThrow(() -> new IllegalArgumentException("unsupported algorithm " + challenge.algorithm()));
        String qop = null;
        if (!challenge.qop().isEmpty()) {
            if (!challenge.qop().contains("auth")) {
                throw new IllegalArgumentException("challenge offers no qop=auth: " + challenge.qop());
            }
            qop = "auth";
        } else if (algorithm.session()) {
            throw new IllegalArgumentException(algorithm.token() + " needs a cnonce, which needs qop");
        }
        if (nc < 1) {
            throw new IllegalArgumentException("nc must be at least 1");
        }
        if (qop != null && (cnonce == null || cnonce.isEmpty())) {
            throw new IllegalArgumentException("cnonce is required");
        }
        String ncValue = String.format(Locale.ROOT, "%08x", nc);
        String response = algorithm.response(username, challenge.realm(), password, method, uri,
                challenge.nonce(), qop, ncValue, cnonce, null);

        StringBuilder sb = new StringBuilder("Digest username=").append(AuthParams.quote(username))
                .append(", realm=").append(AuthParams.quote(challenge.realm()))
                .append(", nonce=").append(AuthParams.quote(challenge.nonce()))
                .append(", uri=").append(AuthParams.quote(uri));
        if (challenge.algorithm() != null) {
            sb.append(", algorithm=").append(algorithm.token());
        }
        if (qop != null) {
            sb.append(", qop=").append(qop)
                    .append(", nc=").append(ncValue)
                    .append(", cnonce=").append(AuthParams.quote(cnonce));
        }
        sb.append(", response=").append(AuthParams.quote(response));
        if (challenge.opaque() != null) {
            sb.append(", opaque=").append(AuthParams.quote(challenge.opaque()));
        }
        return sb.toString();
    }
}

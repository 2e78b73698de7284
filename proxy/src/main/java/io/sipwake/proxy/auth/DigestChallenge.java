package io.sipwake.proxy.auth;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed {@code WWW-Authenticate} / {@code Proxy-Authenticate} Digest value (RFC 3261 §25.1
 * {@code digest-cln}, RFC 7616 §3.3), as seen by a client.
 *
 * @param algorithm as sent, {@code null} when absent (which means MD5)
 * @param qop the offered qop values in lower case; empty when the challenge has no qop (RFC 2069)
 * @param opaque as sent, {@code null} when absent; a client echoes it back
 */
public record DigestChallenge(String realm, String nonce, String algorithm, List<String> qop, String opaque,
                              boolean stale) {

    public DigestChallenge {
        qop = List.copyOf(qop);
    }

    /**
     * Parses one challenge, with the same tolerance as {@link DigestResponse#parse}.
     *
     * @throws IllegalArgumentException if the scheme is not Digest, the value is malformed, or realm or
     *     nonce is missing
     */
    public static DigestChallenge parse(String headerValue) {
        Map<String, String> p = AuthParams.parse(headerValue, "Digest");
        String realm = p.get("realm");
        String nonce = p.get("nonce");
        if (realm == null || nonce == null) {
            throw new IllegalArgumentException("Digest challenge lacks realm or nonce");
        }
        String qopValue = p.get("qop");
        List<String> qop = qopValue == null ? List.of()
                : Arrays.stream(qopValue.split(","))
                        .map(q -> q.strip().toLowerCase(Locale.ROOT))
                        .filter(q -> !q.isEmpty())
                        .toList();
        return new DigestChallenge(realm, nonce, p.get("algorithm"), qop, p.get("opaque"),
                "true".equalsIgnoreCase(p.get("stale")));
    }
}

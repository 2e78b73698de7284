package io.sipwake.proxy.auth;

import java.util.Map;

/**
 * A parsed {@code Authorization} / {@code Proxy-Authorization} Digest value (RFC 3261 §25.1
 * {@code digest-response}, RFC 7616 §3.4).
 *
 * <p>Values are unquoted and unescaped but otherwise as sent: {@code algorithm}, {@code qop},
 * {@code nc}, {@code cnonce} and {@code opaque} are {@code null} when absent; interpreting them is
 * {@link DigestAuthenticator}'s job.
 *
 * @param userhash true when the client sent {@code userhash=true} (RFC 7616 §3.4.4), in which case
 *     {@code username} is H(username ":" realm) rather than the username
 */
public record DigestResponse(String username, String realm, String nonce, String uri, String response,
                             String algorithm, String qop, String nc, String cnonce, String opaque,
                             boolean userhash) {

    /**
     * Parses one header value such as {@code Digest username="bob", realm="example.org", ...}.
     *
     * <p>Tolerates linear white space (including folded lines) around elements, case-insensitive
     * scheme and parameter names, quoted-string escapes, and quoted or unquoted values for every
     * parameter. Unknown parameters are ignored (RFC 3261 {@code auth-param} extensibility).
     *
     * @throws IllegalArgumentException if the scheme is not Digest, the value is malformed, a
     *     parameter is repeated, or one of username, realm, nonce, uri and response is missing
     */
    public static DigestResponse parse(String headerValue) {
        Map<String, String> p = AuthParams.parse(headerValue, "Digest");
        return new DigestResponse(
                required(p, "username"), required(p, "realm"), required(p, "nonce"), required(p, "uri"),
                required(p, "response"), p.get("algorithm"), p.get("qop"), p.get("nc"), p.get("cnonce"),
                p.get("opaque"), "true".equalsIgnoreCase(p.get("userhash")));
    }

    private static String required(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing Digest parameter " + name);
        }
        return value;
    }
}

package io.sipwake.proxy.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Digest algorithms of RFC 7616 §3.3 / RFC 8760 §2, with the request-digest computation of
 * RFC 7616 §3.4.1–3.4.3 (which for MD5 equals RFC 2617 §3.2.2 and RFC 3261 §22.4).
 *
 * <p>Hashes are over the UTF-8 encoding of the strings and rendered as lower-case hex.
 */
public enum DigestAlgorithm {
    MD5("MD5", "MD5", false),
    MD5_SESS("MD5-sess", "MD5", true),
    SHA_256("SHA-256", "SHA-256", false),
    SHA_256_SESS("SHA-256-sess", "SHA-256", true),
    SHA_512_256("SHA-512-256", "SHA-512/256", false),
    SHA_512_256_SESS("SHA-512-256-sess", "SHA-512/256", true);

    private static final HexFormat HEX = HexFormat.of();

    private final String token;
    private final String jcaName;
    private final boolean session;

    DigestAlgorithm(String token, String jcaName, boolean session) {
        this.token = token;
        this.jcaName = jcaName;
        this.session = session;
    }

    /** The value of the {@code algorithm} parameter, e.g. {@code SHA-256}. */
    public String token() {
        return token;
    }

    /** True for the "-sess" variants, whose H(A1) also covers nonce and cnonce. */
    public boolean session() {
        return session;
    }

    /**
     * The algorithm named by an {@code algorithm} parameter, compared case-insensitively because
     * clients differ ("md5"). A missing parameter means MD5 (RFC 7616 §3.3), so {@code null} maps to
     * {@link #MD5}.
     */
    public static Optional<DigestAlgorithm> fromToken(String token) {
        if (token == null) {
            return Optional.of(MD5);
        }
        for (DigestAlgorithm a : values()) {
            if (a.token.equalsIgnoreCase(token)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** H(data): lower-case hex of the hash of {@code data}. */
    String hash(byte[] data) {
        try {
            return HEX.formatHex(MessageDigest.getInstance(jcaName).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks " + jcaName, e); // all three are mandatory in Java 17
        }
    }

    String hash(String data) {
        return hash(data.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The request-digest ({@code response} parameter).
     *
     * @param qop {@code null} for the RFC 2069 form, else {@code auth} or {@code auth-int}
     * @param nc the nonce count exactly as sent (8 hex digits); ignored when {@code qop} is null
     * @param cnonce required when {@code qop} is set or the algorithm is a "-sess" variant
     * @param body the message body for {@code auth-int}; {@code null} means empty
     */
    String response(String username, String realm, String password, String method, String uri,
                    String nonce, String qop, String nc, String cnonce, byte[] body) {
        String ha1 = hash(username + ':' + realm + ':' + password);
        if (session) {
            ha1 = hash(ha1 + ':' + nonce + ':' + cnonce);
        }
        String a2 = method + ':' + uri;
        if (qop != null && qop.toLowerCase(Locale.ROOT).equals("auth-int")) {
            a2 = a2 + ':' + hash(body == null ? new byte[0] : body);
        }
        String ha2 = hash(a2);
        return qop == null
                ? hash(ha1 + ':' + nonce + ':' + ha2)
                : hash(ha1 + ':' + nonce + ':' + nc + ':' + cnonce + ':' + qop + ':' + ha2);
    }
}

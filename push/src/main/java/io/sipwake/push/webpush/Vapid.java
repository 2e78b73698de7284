package io.sipwake.push.webpush;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * VAPID (RFC 8292): the {@code Authorization: vapid t=<JWT>, k=<public key>} header that identifies sipwake to a
 * push service. The JWT (ES256) names the push resource's origin as {@code aud}, expires within 24 hours
 * ({@code exp}, §2) and gives the operator's contact as {@code sub}. One token per origin is kept and reused until
 * an hour before it expires.
 */
public final class Vapid {
    /** How long a token is valid; RFC 8292 §2 allows at most 24 hours. */
    static final Duration LIFETIME = Duration.ofHours(12);
    private static final Duration RENEW_BEFORE = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final VapidKey key;
    private final String subject;
    private final Clock clock;
    private final Map<String, Token> byOrigin = new ConcurrentHashMap<>();

    private record Token(String header, Instant expires) {}

    /** @param subject the operator's contact, {@code mailto:} or {@code https:} (RFC 8292 §2.1) */
    public Vapid(VapidKey key, String subject, Clock clock) {
        if (subject != null && !subject.startsWith("mailto:") && !subject.startsWith("https:")) {
            throw new IllegalArgumentException("VAPID subject must be a mailto: or https: URI, not " + subject);
        }
        this.key = key;
        this.subject = subject;
        this.clock = clock;
    }

    public String publicKey() {
        return key.publicKeyBase64Url();
    }

    /** The Authorization header value for a push to {@code endpoint}. */
    public String authorization(URI endpoint) {
        String origin = origin(endpoint);
        Instant now = clock.instant();
        Token t = byOrigin.get(origin);
        if (t == null || !now.isBefore(t.expires().minus(RENEW_BEFORE))) {
            Instant expires = now.plus(LIFETIME);
            t = new Token("vapid t=" + jwt(origin, expires) + ", k=" + key.publicKeyBase64Url(), expires);
            byOrigin.put(origin, t);
        }
        return t.header();
    }

    /** RFC 8292 §2: "the Unicode serialization of the origin" of the push resource URL. */
    static String origin(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port < 0 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    private String jwt(String audience, Instant expires) {
        ObjectNode header = JSON.createObjectNode().put("typ", "JWT").put("alg", "ES256");
        ObjectNode claims = JSON.createObjectNode().put("aud", audience).put("exp", expires.getEpochSecond());
        if (subject != null) claims.put("sub", subject);
        String signingInput = B64URL.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + B64URL.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initSign(key.privateKey());
            ecdsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64URL.encodeToString(joseSignature(ecdsa.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the VAPID token", e);
        }
    }

    /** JWS ES256 wants R || S, 32 octets each (RFC 7518 §3.4); the JDK gives a DER SEQUENCE of two INTEGERs. */
    static byte[] joseSignature(byte[] der) {
        int offset = 2;
        if ((der[1] & 0xff) == 0x81) offset = 3; // long-form length (not for P-256, but harmless)
        byte[] out = new byte[64];
        int rLength = der[offset + 1];
        copyInteger(der, offset + 2, rLength, out, 0);
        int sOffset = offset + 2 + rLength;
        int sLength = der[sOffset + 1];
        copyInteger(der, sOffset + 2, sLength, out, 32);
        return out;
    }

    private static void copyInteger(byte[] der, int from, int length, byte[] out, int to) {
        while (length > 32 && der[from] == 0) { // DER adds a 0 byte before a high bit
            from++;
            length--;
        }
        System.arraycopy(der, from, out, to + 32 - length, length);
    }

    /** The reverse of {@link #joseSignature}, for verifiers. */
    public static byte[] derSignature(byte[] jose) {
        byte[] r = integer(jose, 0);
        byte[] s = integer(jose, 32);
        byte[] der = new byte[2 + 2 + r.length + 2 + s.length];
        der[0] = 0x30;
        der[1] = (byte) (der.length - 2);
        der[2] = 0x02;
        der[3] = (byte) r.length;
        System.arraycopy(r, 0, der, 4, r.length);
        der[4 + r.length] = 0x02;
        der[5 + r.length] = (byte) s.length;
        System.arraycopy(s, 0, der, 6 + r.length, s.length);
        return der;
    }

    private static byte[] integer(byte[] jose, int offset) {
        int start = offset;
        while (start < offset + 31 && jose[start] == 0) start++;
        boolean pad = (jose[start] & 0x80) != 0;
        byte[] out = new byte[offset + 32 - start + (pad ? 1 : 0)];
        System.arraycopy(jose, start, out, pad ? 1 : 0, offset + 32 - start);
        return out;
    }
}

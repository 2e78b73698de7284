package io.sipwake.proxy.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless, unforgeable nonces:
 * {@code base64url(issuedAtMillis[8] || random[8] || HMAC-SHA256(secret, label || issuedAt || random || realm))}.
 *
 * <p>The server keeps no per-nonce state: the MAC proves we issued the nonce for this realm, and
 * the embedded time lets the caller decide freshness. The random part makes every nonce unique,
 * so per-nonce counters ({@link NonceCounts}) never mix up two clients.
 */
final class Nonces {

    private static final byte[] LABEL = "sipwake digest nonce v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final int TIME_BYTES = 8;
    private static final int RANDOM_BYTES = 8;
    private static final int MAC_BYTES = 32;
    private static final int RAW_LENGTH = TIME_BYTES + RANDOM_BYTES + MAC_BYTES;
    /** 48 bytes encode to exactly 64 base64 characters, so there is no padding to be lenient about. */
    private static final int ENCODED_LENGTH = 64;

    private final SecretKeySpec key;
    private final byte[] realm;
    private final SecureRandom random = new SecureRandom();

    Nonces(byte[] secret, String realm) {
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.realm = realm.getBytes(StandardCharsets.UTF_8);
    }

    /** A fresh nonce stamped with {@code nowMillis}. */
    String issue(long nowMillis) {
        byte[] raw = new byte[RAW_LENGTH];
        ByteBuffer.wrap(raw).putLong(nowMillis);
        byte[] nonceRandom = new byte[RANDOM_BYTES];
        random.nextBytes(nonceRandom);
        System.arraycopy(nonceRandom, 0, raw, TIME_BYTES, RANDOM_BYTES);
        System.arraycopy(mac(raw), 0, raw, TIME_BYTES + RANDOM_BYTES, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** The issue time of {@code nonce} if we issued it for this realm; empty if it is forged or garbled. */
    OptionalLong issuedAt(String nonce) {
        if (nonce.length() != ENCODED_LENGTH) {
            return OptionalLong.empty();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return OptionalLong.empty();
        }
        byte[] expected = mac(raw);
        byte[] actual = Arrays.copyOfRange(raw, TIME_BYTES + RANDOM_BYTES, RAW_LENGTH);
        if (!MessageDigest.isEqual(expected, actual)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(ByteBuffer.wrap(raw).getLong());
    }

    /** HMAC over the time and random prefix of {@code raw}, bound to the realm. */
    private byte[] mac(byte[] raw) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256"); // Mac is not thread-safe; a new one is cheap
            mac.init(key);
            mac.update(LABEL);
            mac.update(raw, 0, TIME_BYTES + RANDOM_BYTES);
            mac.update(realm);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e); // mandatory in every JDK
        }
    }
}

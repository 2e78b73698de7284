package io.sipwake.proxy.push;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * PURRs of RFC 8599 §6.2.1: for each push binding, a reference the phone may put in dialogs as {@code pn-purr}, which
 * "MUST be generated in such a way so that it is unforgeable, anonymous, and unlinkable". A binding gets a new PURR
 * once its current one is older than the rotation period ("the proxy MUST periodically generate a new PURR value",
 * against fingerprinting); older PURRs keep resolving for {@code retention}, so dialogs that use them keep working.
 *
 * <p>A PURR is the binding's identity and issue time sealed with AES-256-GCM under sipwake's PURR key, with a
 * random nonce: unforgeable (authenticated), anonymous (encrypted), unlinkable (two PURRs of one binding share no
 * bits). Nothing is stored per PURR, so PURRs survive a restart (the key is kept in the data directory) and any node
 * with the same key resolves them.
 *
 * <p>Thread-safe, lock-free.
 */
public final class PurrRegistry {
    /** What a PURR names: the binding it was issued for. */
    public record Owner(String aor, String bindingKey) {}

    private record Issued(String purr, long issuedAtMillis) {}

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] CONTEXT = "sipwake pn-purr v1".getBytes(StandardCharsets.US_ASCII);

    private final Clock clock;
    private final long rotationMillis;
    private final long retentionMillis;
    private final SecretKey key;
    private final Map<Owner, Issued> current = new ConcurrentHashMap<>();

    /** With a fresh random key: PURRs then resolve only in this process (tests, the memory store). */
    public PurrRegistry(Clock clock, Duration rotation, Duration retention) {
        this(clock, rotation, retention, newKey());
    }

    /** @param key 32 bytes, secret, the same on every node that must resolve these PURRs */
    public PurrRegistry(Clock clock, Duration rotation, Duration retention, byte[] key) {
        if (retention.compareTo(rotation) < 0) throw new IllegalArgumentException("PURR retention must not be shorter than rotation");
        if (key.length != 32) throw new IllegalArgumentException("a PURR key has 32 bytes, not " + key.length);
        this.clock = clock;
        this.rotationMillis = rotation.toMillis();
        this.retentionMillis = retention.toMillis();
        this.key = new SecretKeySpec(key.clone(), "AES");
    }

    /** 32 random bytes for a new PURR key. */
    public static byte[] newKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }

    /** The binding's current PURR, issuing a new one when there is none or it is due for rotation. */
    public String purrFor(String aor, String bindingKey) {
        long now = clock.millis();
        Owner owner = new Owner(aor, bindingKey);
        Issued issued = current.compute(owner, (k, old) -> old != null && now - old.issuedAtMillis() < rotationMillis ? old : issue(k, now));
        return issued.purr();
    }

    private Issued issue(Owner owner, long now) {
        byte[] aor = owner.aor().getBytes(StandardCharsets.UTF_8);
        byte[] bindingKey = owner.bindingKey().getBytes(StandardCharsets.UTF_8);
        ByteBuffer plain = ByteBuffer.allocate(8 + 4 + aor.length + bindingKey.length);
        plain.putLong(now).putInt(aor.length).put(aor).put(bindingKey);
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            gcm.updateAAD(CONTEXT);
            byte[] sealed = gcm.doFinal(plain.array());
            byte[] purr = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            return new Issued(Base64.getUrlEncoder().withoutPadding().encodeToString(purr), now);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has AES-GCM", e);
        }
    }

    /** The binding a PURR was issued for, while it is retained; null for an unknown, forged or expired PURR. */
    public Owner resolve(String purr) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(purr);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (bytes.length < NONCE_BYTES + TAG_BITS / 8 + 12) return null;
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            gcm.updateAAD(CONTEXT);
            ByteBuffer plain = ByteBuffer.wrap(gcm.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES));
            long issuedAt = plain.getLong();
            int aorLength = plain.getInt();
            if (aorLength < 0 || aorLength > plain.remaining()) return null;
            byte[] aor = new byte[aorLength];
            plain.get(aor);
            byte[] bindingKey = new byte[plain.remaining()];
            plain.get(bindingKey);
            if (clock.millis() - issuedAt > retentionMillis) return null;
            return new Owner(new String(aor, StandardCharsets.UTF_8), new String(bindingKey, StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            return null; // forged, or sealed with another key
        }
    }

    /** Forgets the current PURRs of bindings past the retention (they get new ones); returns how many. */
    public int removeExpired() {
        long now = clock.millis();
        int before = current.size();
        current.entrySet().removeIf(e -> now - e.getValue().issuedAtMillis() > retentionMillis);
        return before - current.size();
    }
}

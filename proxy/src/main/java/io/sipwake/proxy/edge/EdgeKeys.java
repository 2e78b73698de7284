package io.sipwake.proxy.edge;

import io.sipwake.proxy.push.PushParameters;
import io.sipwake.proxy.registrar.Registrar;
import io.sipwake.store.Binding;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The key that names one phone of an AOR towards the upstream: the user part of the Path URI (Path
 * mode) or of the Contact sent upstream (Contact-rewriting mode). When the upstream sends a call back
 * through sipwake, the key finds the phone's binding: {@code sw-<AOR, base64url>.<device hash>}.
 *
 * <p>The key depends only on the AOR and the device (its {@code +sip.instance}, else its push token,
 * else its Contact URI without push parameters), not on the address or connection the phone uses
 * today: a phone that comes back over a new connection refreshes the same upstream binding instead of
 * adding one, and keys survive a restart of sipwake. The device part is a hash, so the upstream learns
 * neither the instance id nor the push token (RFC 8599 §13).
 */
public final class EdgeKeys {
    static final String PREFIX = "sw-";

    private EdgeKeys() {}

    /** A parsed key: the AOR and the device hash. */
    public record Key(String aor, String device) {}

    /** The key of {@code binding}'s device. */
    public static String keyOf(Binding binding) {
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(binding.aor().getBytes(StandardCharsets.UTF_8))
                + "." + deviceOf(binding);
    }

    /** The device hash of a binding: the same for every registration of one phone. */
    public static String deviceOf(Binding binding) {
        String identity;
        PushParameters push = Registrar.pushParameters(binding);
        if (binding.instanceId() != null) {
            identity = "instance:" + binding.instanceId();
        } else if (push != null && !push.tokens().isEmpty()) {
            identity = "push:" + push.provider() + ":" + push.tokens().get(0).token();
        } else {
            identity = "contact:" + binding.bindingKey();
        }
        return HexFormat.of().formatHex(sha256(identity), 0, 10);
    }

    /** The key a SIP URI user part holds, or null when it is not one of ours. */
    public static Key parse(String user) {
        if (user == null || !user.startsWith(PREFIX)) return null;
        int dot = user.lastIndexOf('.');
        if (dot <= PREFIX.length() || dot == user.length() - 1) return null;
        try {
            String aor = new String(Base64.getUrlDecoder().decode(user.substring(PREFIX.length(), dot)), StandardCharsets.UTF_8);
            return aor.startsWith("sip:") ? new Key(aor, user.substring(dot + 1)) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}

package io.sipwake.proxy.push;

import java.util.Objects;

/**
 * One push token of a device and the kind of push it is for. Apple gives a VoIP app two tokens
 * (PushKit and the regular remote-notification token); Linphone sends both in one
 * {@code pn-prid=<tok>:voip&<tok>:remote}, mod_apn-style clients as {@code pn-voip-tok} and
 * {@code pn-im-tok}. Every other provider has a single token for every kind of push.
 *
 * <p>{@link #toString()} never prints the token; use {@link #redact(String)} in log lines.
 *
 * @param token the token as the push service expects it (unescaped); for {@code webpush} and
 *     {@code x-push-uri} it is the URL to POST to
 * @param service what the token may be used for
 */
public record PushToken(String token, Service service) {

    /** What a token wakes the app for. */
    public enum Service {
        /** An APNs PushKit token: calls only (iOS kills an app that gets a VoIP push and shows no call). */
        VOIP,
        /** An APNs remote-notification token: alerts and background pushes (messages, refresh). */
        REMOTE,
        /** The single token of a provider that makes no distinction (FCM, webpush, X-PUSH-URI...). */
        DEFAULT
    }

    public PushToken {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(service, "service");
        if (token.isEmpty()) throw new IllegalArgumentException("empty push token");
    }

    /** The token with all but its first and last four characters hidden, for log lines. */
    @Override
    public String toString() {
        return service + " " + redact(token);
    }

    /**
     * A secret shortened to its first and last four characters ({@code EFFD…D5B6}); values of
     * twelve characters or fewer show only their length, as their ends would give most of them away.
     */
    public static String redact(String secret) {
        if (secret == null) return "null";
        int n = secret.length();
        if (n <= 12) return "…(" + n + " chars)";
        return secret.substring(0, 4) + "…" + secret.substring(n - 4);
    }
}

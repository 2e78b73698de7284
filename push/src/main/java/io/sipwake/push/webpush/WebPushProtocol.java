package io.sipwake.push.webpush;

import io.sipwake.push.PushKind;
import io.sipwake.push.PushRequest;
import io.sipwake.push.http.HttpPushProtocol;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * WebPush as RFC 8599 §12 uses it: {@code pn-prid} is the push subscription URI (RFC 8030), and the push carries
 * no payload (RFC 8599 defines none, so no RFC 8291 encryption is needed): the app's service worker wakes and
 * registers again.
 *
 * <ul>
 *   <li>{@code TTL} (required, RFC 8030 §5.2): the seconds until the push stops being useful, the held call's
 *       deadline, so a push that could only arrive after the caller gave up is dropped by the push service.
 *   <li>{@code Urgency} (§5.3): {@code high} for a call and its cancellation ("incoming phone call"), {@code normal}
 *       for messages and missed calls, {@code low} for registration refreshes.
 *   <li>{@code Topic} (§5.4): from the push's collapse key (the Call-ID), so a cancel replaces an undelivered call
 *       push; 22 base64url characters of its SHA-256, within the 32 allowed.
 *   <li>{@code Authorization: vapid} (RFC 8292), see {@link Vapid}.
 * </ul>
 */
public final class WebPushProtocol implements HttpPushProtocol {
    public static final String PROVIDER = "webpush";

    private final Vapid vapid;

    public WebPushProtocol(Vapid vapid) {
        this.vapid = vapid;
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public String label() {
        return "WebPush";
    }

    @Override
    public String allowListKey() {
        return "push.webpush.allow-hosts";
    }

    @Override
    public HttpRequest.Builder request(PushRequest request, URI uri, Instant now) {
        long ttl = Math.max(0, Duration.between(now, request.deadline()).toSeconds());
        HttpRequest.Builder b = HttpRequest.newBuilder()
                .header("TTL", Long.toString(ttl))
                .header("Urgency", urgency(request.kind()))
                .header("Authorization", vapid.authorization(uri))
                .header("User-Agent", "sipwake")
                .POST(HttpRequest.BodyPublishers.noBody());
        if (request.collapseKey() != null) b.header("Topic", topic(request.collapseKey()));
        return b;
    }

    static String urgency(PushKind kind) {
        return switch (kind) {
            case CALL, CALL_CANCELLED -> "high";
            case MESSAGE, MISSED_CALL -> "normal";
            case REGISTRATION_REFRESH -> "low";
        };
    }

    static String topic(String collapseKey) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(collapseKey.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}

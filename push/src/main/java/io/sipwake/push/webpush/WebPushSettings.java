package io.sipwake.push.webpush;

import io.sipwake.push.http.HttpWakeSettings;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the WebPush sender.
 *
 * @param key     sipwake's VAPID key pair
 * @param subject the operator's contact for push services ({@code mailto:} or {@code https:}), or null
 * @param http    where subscription URIs may point (the push services' hosts), timeouts and retries
 */
public record WebPushSettings(VapidKey key, String subject, HttpWakeSettings http) {
    /**
     * The push services browsers and UnifiedPush use, as host-name suffixes: Google (Chrome, Edge on Android),
     * Mozilla, Microsoft (Edge), Apple (Safari). A subscription URI elsewhere is refused unless configured.
     */
    public static final List<String> KNOWN_PUSH_SERVICES = List.of("fcm.googleapis.com", "push.services.mozilla.com",
            "notify.windows.com", "push.apple.com");

    public WebPushSettings {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(http, "http");
    }
}

package io.sipwake.push.webpush;

import io.sipwake.push.PushSender;
import io.sipwake.push.http.HttpWakeSender;
import java.time.Clock;

/**
 * The WebPush sender ({@code pn-provider=webpush}): {@link WebPushProtocol} requests, VAPID-signed, sent by the
 * same guarded HTTP engine as X-PUSH-URI wake-ups ({@link HttpWakeSender}: subscription URIs only to allowed
 * hosts and public addresses, retries on 429/5xx within the push's deadline, 404/410 = the subscription is gone
 * and the binding is pruned).
 */
public final class WebPushSender {
    private WebPushSender() {}

    public static PushSender create(WebPushSettings settings) {
        Vapid vapid = new Vapid(settings.key(), settings.subject(), Clock.systemUTC());
        return new HttpWakeSender(settings.http(), new WebPushProtocol(vapid));
    }
}

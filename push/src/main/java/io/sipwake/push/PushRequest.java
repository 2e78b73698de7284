package io.sipwake.push;

import java.time.Instant;
import java.util.Objects;

/**
 * One push notification to one device, in provider-neutral terms: the RFC 8599 triple
 * ({@code pn-provider}, {@code pn-param}, {@code pn-prid}) plus what the app needs to act at once.
 *
 * @param provider    RFC 8599 {@code pn-provider}: {@code apns}, {@code fcm} or {@code webpush}
 * @param param       RFC 8599 {@code pn-param}: for APNs {@code <TeamID>.<bundle id>[.voip]} (Linphone may
 *                    append {@code .voip&remote}); for FCM the project id or sender id; may be null for webpush
 * @param prid        RFC 8599 {@code pn-prid}: the device token (APNs), registration token (FCM) or push
 *                    subscription URL (WebPush)
 * @param sandbox     APNs only: send to the development environment ({@code pn-provider=apns.dev} or config)
 * @param kind        why the push is sent
 * @param deadline    when the push stops being useful (the call's bucket timer); providers get it as
 *                    expiration / TTL so a late push is dropped instead of ringing for a dead call
 * @param callId      SIP Call-ID of the held request, or null
 * @param callUuid    a UUID for CallKit / ConnectionService, stable for one call across devices, or null
 * @param caller      caller's SIP URI (From), or null
 * @param callerName  caller's display name, or null
 * @param video       whether the call offers video
 * @param sentAt      when sipwake sent the push (the app compares it to spot stale pushes)
 * @param collapseKey groups pushes that replace each other (e.g. the Call-ID), or null
 */
public record PushRequest(
        String provider,
        String param,
        String prid,
        boolean sandbox,
        PushKind kind,
        Instant deadline,
        String callId,
        String callUuid,
        String caller,
        String callerName,
        boolean video,
        Instant sentAt,
        String collapseKey) {

    public PushRequest {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(prid, "prid");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(sentAt, "sentAt");
    }

    /** The token with all but its first and last 4 characters hidden, for logs (tokens are secrets). */
    public String redactedPrid() {
        return Tokens.redact(prid);
    }

    @Override
    public String toString() {
        return "PushRequest[" + provider + " " + kind + " to " + redactedPrid() + (callId == null ? "" : " call " + callId) + "]";
    }
}

package io.sipwake.push;

import java.time.Instant;

/**
 * How a push ended. Only {@link Rejected#tokenIsDead()} allows deleting a binding: it is set for
 * APNs 410 Unregistered (and BadDeviceToken in the environment the token belongs to) and FCM
 * UNREGISTERED, never for configuration errors such as DeviceTokenNotForTopic or SENDER_ID_MISMATCH.
 */
public sealed interface PushResult {

    /** The provider took the push. {@code providerId} is its id for the notification (apns-id, FCM message name). */
    record Accepted(String providerId, int status) implements PushResult {}

    /**
     * The provider refused the push for good; retrying the same push will not help.
     *
     * @param status        HTTP status
     * @param reason        the provider's reason, verbatim (e.g. {@code Unregistered}, {@code UNREGISTERED})
     * @param tokenIsDead   the device token will never work again: the binding may be pruned
     * @param operatorError the fault is in sipwake's configuration (credentials, topic, project), not the device
     * @param invalidatedAt APNs: when the token stopped being valid (410 timestamp), else null
     */
    record Rejected(int status, String reason, boolean tokenIsDead, boolean operatorError, Instant invalidatedAt) implements PushResult {}

    /** The push could not be delivered to the provider (network, 429/5xx after the retries the deadline allowed). */
    record Failed(String reason, Throwable cause) implements PushResult {}
}

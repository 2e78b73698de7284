package io.sipwake.proxy;

import java.time.Duration;

/**
 * What the proxy and the push bucket report as they work, for a metrics system to count. Every
 * method has a no-op default, so the proxy has no dependency on any metrics library; {@link #NOOP}
 * is used until one is set.
 *
 * <p>Called on transport threads, timer threads and push-client threads, on the SIP path:
 * implementations must be thread-safe and must never block (no locks held across I/O, no I/O).
 * Label values passed in are raw (a request's method, a provider's rejection reason): an
 * implementation that exports them should bound their cardinality.
 */
public interface ProxyMetrics {
    /** Reports nothing. */
    ProxyMetrics NOOP = new ProxyMetrics() {};

    /** A request arrived (any method, including ACK and CANCEL). */
    default void requestReceived(String method) {}

    /** A response to a request of {@code method} was sent upstream: made up here or forwarded from a branch. */
    default void responseSent(String method, int status) {}

    /**
     * A REGISTER was answered: {@code outcome} is {@code accepted} (2xx), {@code challenged} (401/407),
     * {@code rejected} (another error response) or {@code error} (the registrar failed); {@code provider} is the push
     * provider its Contact named ({@code apns}, {@code fcm}...), or {@code none}.
     */
    default void registration(String outcome, String provider) {}

    /** A push of {@code kind} (call, message, call_cancelled, missed_call) was handed to {@code provider}'s sender. */
    default void pushSent(String provider, String kind) {}

    /**
     * The provider answered a push: {@code outcome} is {@code accepted}, the provider's rejection reason
     * (e.g. {@code BadDeviceToken}, {@code UNREGISTERED}), or {@code failed} when it could not be sent.
     */
    default void pushOutcome(String provider, String outcome, Duration roundTrip) {}

    /** A woken phone re-registered: the time from its push being sent to its REGISTER being accepted. */
    default void wakeLatency(Duration pushSentToReRegister) {}

    /** A held request's Bucket Timer fired: the phone did not wake up in time. */
    default void heldRequestTimedOut() {}

    /** A binding was removed because {@code provider} declared its push token dead. */
    default void deadTokenPruned(String provider) {}
}

package io.sipwake.sip.transport;

import io.sipwake.sip.message.SipMessage;

/**
 * Receives what the transports deliver. Called on a Netty event loop: implementations must not
 * block; blocking work goes to an executor.
 */
public interface TransportListener {

    /**
     * A well-formed message. For requests the transport has already added {@code received} and
     * {@code rport} to the top Via as RFC 3261 §18.2.1 and RFC 3581 §4 say.
     */
    void onMessage(SipMessage message, Flow source);

    /** A connection-oriented flow closed (by the peer, an error or the idle timer). */
    default void onFlowClosed(Flow flow) {}
}

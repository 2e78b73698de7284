package io.sipwake.sip.transport;

import io.sipwake.sip.message.SipMessage;

/** Messages passed between the inbound handlers of a pipeline. */
final class Inbound {
    private Inbound() {}

    /**
     * The bytes of one SIP message from {@code flow}: a datagram or WebSocket message
     * ({@code streamFramed} false), or one message framed out of a TCP/TLS stream.
     */
    record RawMessage(byte[] bytes, Flow flow, boolean streamFramed) {}

    /** A stream that cannot be framed any further; {@code bytesSoFar} is what was buffered. The connection must be closed. */
    record FramingFailure(byte[] bytesSoFar, String reason, Flow flow) {}

    /** A parsed, validated message ready for delivery. */
    record Message(SipMessage message, Flow flow) {}
}

package io.sipwake.sip.transport;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of a {@link NettySipTransport}, for metrics and tests. Thread-safe; every counter only
 * grows. Reads are not atomic across counters.
 */
public final class TransportStats {
    final LongAdder received = new LongAdder();
    final LongAdder sent = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder keepAlivePings = new LongAdder();
    final LongAdder connectionsAccepted = new LongAdder();
    final LongAdder connectionsOpened = new LongAdder();
    final LongAdder connectionsRefused = new LongAdder();
    final LongAdder idleClosures = new LongAdder();

    TransportStats() {}

    /** Well-formed messages handed to the listener. */
    public long receivedMessages() {
        return received.sum();
    }

    /** Messages (and pongs) written successfully. */
    public long sentMessages() {
        return sent.sum();
    }

    /** Malformed requests answered with an error response (400, 505, 513). */
    public long rejectedMessages() {
        return rejected.sum();
    }

    /**
     * Inputs discarded without an answer: unparseable or unanswerable data, responses with a bad
     * top Via, incomplete messages at connection close, messages arriving while no listener is set.
     */
    public long droppedMessages() {
        return dropped.sum();
    }

    /** CRLF keep-alives received (double-CRLF pings are answered with a pong, RFC 5626 §4.4.1). */
    public long keepAlivePings() {
        return keepAlivePings.sum();
    }

    /** Inbound connections accepted (TCP, TLS, WS, WSS). */
    public long connectionsAccepted() {
        return connectionsAccepted.sum();
    }

    /** Outbound connections established (TCP, TLS). */
    public long connectionsOpened() {
        return connectionsOpened.sum();
    }

    /** Inbound connections closed on accept because {@link TransportConfig#maxConnections()} was reached. */
    public long connectionsRefused() {
        return connectionsRefused.sum();
    }

    /** Connections closed by the idle timer. */
    public long idleClosures() {
        return idleClosures.sum();
    }

    @Override
    public String toString() {
        return "TransportStats{received=" + receivedMessages() + ", sent=" + sentMessages() + ", rejected=" + rejectedMessages()
                + ", dropped=" + droppedMessages() + ", keepAlivePings=" + keepAlivePings() + ", accepted=" + connectionsAccepted()
                + ", opened=" + connectionsOpened() + ", refused=" + connectionsRefused() + ", idleClosures=" + idleClosures() + "}";
    }
}

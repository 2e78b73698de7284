package io.sipwake.sip.transaction;

import io.sipwake.sip.message.SipResponse;

/**
 * Receives the outcome of one {@link ClientTransaction}.
 *
 * <p><b>Contract.</b> Exactly one of these ends the transaction for its user: the first final
 * response ({@link #onResponse} with a status of 200 or more), {@link #onTimeout}, or
 * {@link #onTransportError}. Provisional responses may come before it; for an INVITE answered
 * with a 2xx, further 2xx responses (retransmissions and 2xx of other forks, RFC 6026 "Accepted"
 * state) may come after it. {@link #onTerminated} is always the last call.
 *
 * <p><b>Threads.</b> Called on the thread that received the response or on the scheduler's
 * thread (timers, send failures); never while the transaction's lock is held and never from
 * inside a call into the layer. Calls about one transaction are
 * never concurrent and come in the order of the state changes that caused them. They may come
 * before {@link TransactionLayer#sendRequest} has returned. Must not block.
 */
public interface ClientTransactionListener {

    /** A response matched to the transaction (§17.1.3); retransmissions of non-2xx finals are absorbed. */
    void onResponse(ClientTransaction tx, SipResponse response);

    /**
     * No final response: Timer B or F fired (§17.1.1.2, §17.1.2.2), or a CANCELled INVITE got no
     * final response within 64*T1 of the CANCEL (§9.1). A proxy treats it as a 408 (§16.7 step 6 / §16.8).
     */
    void onTimeout(ClientTransaction tx);

    /**
     * The request (or a retransmission) could not be sent, or its connection closed before the
     * final response (§17.1.4). A proxy treats it as a 503 (§16.9).
     */
    void onTransportError(ClientTransaction tx, Throwable cause);

    /** The transaction ended and was forgotten. */
    default void onTerminated(ClientTransaction tx) {}

    /**
     * Timer C fired for an INVITE (§16.6 step 11, §16.8): no final response and no new
     * provisional response for {@link TimerSettings#timerC()}. The default cancels the branch as
     * §16.8 says ({@link ClientTransaction#cancel()} sends the CANCEL now, or as soon as a
     * provisional response allows it, §9.1); the 487 or the §9.1 timeout then ends the transaction.
     */
    default void onTimerC(ClientTransaction tx) {
        tx.cancel();
    }
}

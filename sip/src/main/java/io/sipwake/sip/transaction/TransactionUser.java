package io.sipwake.sip.transaction;

import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.transport.Flow;

/**
 * The transaction user (RFC 3261 §17: the proxy core, registrar or UA core) as the
 * {@link TransactionLayer} sees it.
 *
 * <p><b>Threads.</b> Every method is called on the thread that received the message (a Netty
 * event loop) or on the scheduler's timer thread, never while a transaction lock is held and
 * never from inside a call the TU makes into the layer ({@link ServerTransaction#sendResponse},
 * {@link TransactionLayer#sendRequest}...). Callbacks about one server transaction are never
 * concurrent and arrive in the order of the state changes that caused them, starting with
 * {@link #onRequest}. Implementations must not block; exceptions they throw are logged and
 * otherwise ignored.
 */
public interface TransactionUser {

    /**
     * A request that created a new server transaction: any method but ACK, including CANCEL,
     * which is a transaction of its own; find the INVITE it cancels with
     * {@link TransactionLayer#findInviteServerTransaction}. Retransmissions are absorbed by the
     * transaction and never reach the TU.
     *
     * <p>{@code request} is {@code tx.request()}; treat it as read-only ({@link SipRequest#copy()}
     * it before changing it, e.g. to forward it): the transaction keeps using it.
     */
    void onRequest(ServerTransaction tx, SipRequest request);

    /**
     * An ACK that is not absorbed by a transaction: an ACK for a 2xx response (RFC 3261 §13.2.2.4,
     * a transaction of its own with a new branch), including one that matched an INVITE server
     * transaction in the Accepted state (RFC 6026 §8.7), or any ACK that matches no transaction.
     * A proxy forwards it end to end (§16.11). ACKs for non-2xx responses are absorbed.
     */
    void onAck(SipRequest ack, Flow source);

    /**
     * A response that matches no client transaction (§17.1.3), typically a 2xx retransmission
     * after the INVITE client transaction has ended, or a response whose top Via is not ours.
     * A proxy forwards 2xx statelessly (§16.7 note, §16.11) and drops the rest.
     */
    void onStrayResponse(SipResponse response, Flow source);

    /**
     * Timer H fired: the non-2xx final response to an INVITE was never acknowledged (§17.2.1).
     * The transaction is terminated.
     */
    default void onTransactionTimeout(ServerTransaction tx) {}

    /**
     * A response could not be sent, not even by the fallbacks of §18.2.2 (§17.2.4). The
     * transaction is terminated.
     */
    default void onTransportError(ServerTransaction tx, Throwable cause) {}

    /** The server transaction ended and was forgotten; always the last callback about it. */
    default void onServerTransactionTerminated(ServerTransaction tx) {}
}

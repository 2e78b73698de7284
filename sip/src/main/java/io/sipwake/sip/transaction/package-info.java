/**
 * The SIP transaction layer: RFC 3261 §17 with the RFC 6026 corrections.
 *
 * <p>Front door: {@link io.sipwake.sip.transaction.TransactionLayer}. It is the
 * {@link io.sipwake.sip.transport.TransportListener} of a
 * {@link io.sipwake.sip.transport.SipTransport}, gives new requests to a
 * {@link io.sipwake.sip.transaction.TransactionUser} as
 * {@link io.sipwake.sip.transaction.ServerTransaction}s, and sends requests as
 * {@link io.sipwake.sip.transaction.ClientTransaction}s whose outcome goes to a
 * {@link io.sipwake.sip.transaction.ClientTransactionListener}. Timers are configured by
 * {@link io.sipwake.sip.transaction.TimerSettings} and run by a
 * {@link io.sipwake.sip.transaction.TransactionScheduler}.
 *
 * <p>Request in, proxied, response back:
 * <pre>
 *  transport ─onMessage→ layer ─(new)→ ServerTransaction ─onRequest→ TU
 *                          │ (retransmission: absorbed, last response replayed)
 *  TU ─sendRequest→ ClientTransaction ─→ transport          (Timer A/E retransmits, B/F time out)
 *  transport ─onMessage→ layer ─(branch, CSeq method)→ ClientTransaction ─onResponse→ TU
 *  TU ─ServerTransaction.sendResponse→ transport.sendResponse(response, request flow)
 * </pre>
 */
package io.sipwake.sip.transaction;

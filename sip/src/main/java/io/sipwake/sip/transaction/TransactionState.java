package io.sipwake.sip.transaction;

/**
 * The states of the four transaction state machines of RFC 3261 §17 (Figures 5 to 8), with the
 * "Accepted" state RFC 6026 adds to both INVITE machines.
 *
 * <table>
 *   <caption>Which machine uses which state</caption>
 *   <tr><th>state</th><th>INVITE client</th><th>non-INVITE client</th><th>INVITE server</th><th>non-INVITE server</th></tr>
 *   <tr><td>{@link #CALLING}</td><td>initial</td><td></td><td></td><td></td></tr>
 *   <tr><td>{@link #TRYING}</td><td></td><td>initial</td><td></td><td>initial</td></tr>
 *   <tr><td>{@link #PROCEEDING}</td><td>yes</td><td>yes</td><td>initial</td><td>yes</td></tr>
 *   <tr><td>{@link #COMPLETED}</td><td>yes (non-2xx)</td><td>yes</td><td>yes (non-2xx)</td><td>yes</td></tr>
 *   <tr><td>{@link #CONFIRMED}</td><td></td><td></td><td>yes</td><td></td></tr>
 *   <tr><td>{@link #ACCEPTED}</td><td>yes (2xx)</td><td></td><td>yes (2xx)</td><td></td></tr>
 *   <tr><td>{@link #TERMINATED}</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td></tr>
 * </table>
 */
public enum TransactionState {
    CALLING,
    TRYING,
    PROCEEDING,
    COMPLETED,
    CONFIRMED,
    ACCEPTED,
    TERMINATED
}

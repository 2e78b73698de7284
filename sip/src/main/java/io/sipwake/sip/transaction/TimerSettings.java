package io.sipwake.sip.transaction;

import java.time.Duration;
import java.util.Objects;

/**
 * The timer values of RFC 3261 §17 and Table 4 (appendix A), with RFC 6026's Timers L and M.
 *
 * <p>Everything derives from the three base values except Timer D, which RFC 3261 only bounds
 * ("at least 32 seconds" for unreliable transports) and which is therefore a setting of its own,
 * and Timer C, the proxy's INVITE guard of §16.6 step 11 ("greater than 3 minutes"), which is
 * not a transaction timer at all but is kept here so all SIP timers are configured in one place.
 *
 * <table>
 *   <caption>Derived timers</caption>
 *   <tr><th>timer</th><th>value</th><th>meaning</th></tr>
 *   <tr><td>A, E, G</td><td>T1 initially</td><td>request / response retransmission over UDP</td></tr>
 *   <tr><td>B, F, H, J (UDP), L, M</td><td>64*T1</td><td>transaction timeouts and lingering</td></tr>
 *   <tr><td>D</td><td>{@link #timerD()} over UDP, 0 over reliable transports</td><td>INVITE client absorbs final response retransmissions</td></tr>
 *   <tr><td>I, K</td><td>T4 over UDP, 0 over reliable transports</td><td>absorb ACK / response retransmissions</td></tr>
 *   <tr><td>C</td><td>{@link #timerC()}, {@link Duration#ZERO} disables it</td><td>proxy INVITE branch guard (§16.8)</td></tr>
 * </table>
 *
 * @param t1     RTT estimate, default 500 ms
 * @param t2     maximum retransmission interval for non-INVITE requests and INVITE responses, default 4 s
 * @param t4     maximum time a message stays in the network, default 5 s
 * @param timerD Timer D over unreliable transports; RFC 3261 requires at least 32 s (only tests should go lower)
 * @param timerC Timer C for proxied INVITEs; RFC 3261 requires more than 3 minutes; zero disables it
 */
public record TimerSettings(Duration t1, Duration t2, Duration t4, Duration timerD, Duration timerC) {
    /** The lower bound RFC 3261 §17.1.1.2 sets for Timer D over unreliable transports. */
    public static final Duration MIN_TIMER_D_UDP = Duration.ofSeconds(32);
    /** Default Timer C: the smallest whole number of seconds "greater than 3 minutes" (§16.6 step 11). */
    public static final Duration DEFAULT_TIMER_C = Duration.ofSeconds(181);
    /** T1 = 500 ms, T2 = 4 s, T4 = 5 s, Timer D = 32 s, Timer C = 181 s. */
    public static final TimerSettings DEFAULT = new TimerSettings(Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofSeconds(5));

    public TimerSettings {
        Objects.requireNonNull(t1, "t1");
        Objects.requireNonNull(t2, "t2");
        Objects.requireNonNull(t4, "t4");
        Objects.requireNonNull(timerD, "timerD");
        Objects.requireNonNull(timerC, "timerC");
        if (t1.isNegative() || t1.isZero()) throw new IllegalArgumentException("T1 must be positive: " + t1);
        if (t2.compareTo(t1) < 0) throw new IllegalArgumentException("T2 (" + t2 + ") must not be below T1 (" + t1 + ")");
        if (t4.isNegative() || t4.isZero()) throw new IllegalArgumentException("T4 must be positive: " + t4);
        if (timerD.isNegative()) throw new IllegalArgumentException("Timer D must not be negative: " + timerD);
        if (timerC.isNegative()) throw new IllegalArgumentException("Timer C must not be negative: " + timerC);
    }

    /** T1, T2, T4 with Timer D = max(32 s, 64*T1) and Timer C = {@link #DEFAULT_TIMER_C}. */
    public TimerSettings(Duration t1, Duration t2, Duration t4) {
        this(t1, t2, t4, max(MIN_TIMER_D_UDP, t1.multipliedBy(64)), DEFAULT_TIMER_C);
    }

    public TimerSettings withTimerD(Duration d) {
        return new TimerSettings(t1, t2, t4, d, timerC);
    }

    /** A copy with another Timer C; {@link Duration#ZERO} disables it. */
    public TimerSettings withTimerC(Duration c) {
        return new TimerSettings(t1, t2, t4, timerD, c);
    }

    /** Initial INVITE retransmission interval over UDP (doubles on each retransmission). */
    public Duration timerA() {
        return t1;
    }

    /** INVITE client transaction timeout: 64*T1. */
    public Duration timerB() {
        return t1.multipliedBy(64);
    }

    /** Wait time for response retransmissions in the INVITE client's Completed state. */
    public Duration timerD(boolean reliable) {
        return reliable ? Duration.ZERO : timerD;
    }

    /** Initial non-INVITE retransmission interval over UDP (doubles up to T2). */
    public Duration timerE() {
        return t1;
    }

    /** Non-INVITE client transaction timeout: 64*T1. */
    public Duration timerF() {
        return t1.multipliedBy(64);
    }

    /** Initial INVITE final response retransmission interval over UDP (doubles up to T2). */
    public Duration timerG() {
        return t1;
    }

    /** Wait time for the ACK to a non-2xx final response: 64*T1. */
    public Duration timerH() {
        return t1.multipliedBy(64);
    }

    /** Wait time for ACK retransmissions in the INVITE server's Confirmed state. */
    public Duration timerI(boolean reliable) {
        return reliable ? Duration.ZERO : t4;
    }

    /** Wait time for request retransmissions in the non-INVITE server's Completed state. */
    public Duration timerJ(boolean reliable) {
        return reliable ? Duration.ZERO : t1.multipliedBy(64);
    }

    /** Wait time for response retransmissions in the non-INVITE client's Completed state. */
    public Duration timerK(boolean reliable) {
        return reliable ? Duration.ZERO : t4;
    }

    /** RFC 6026: INVITE server lingers in Accepted for 64*T1. */
    public Duration timerL() {
        return t1.multipliedBy(64);
    }

    /** RFC 6026: INVITE client lingers in Accepted for 64*T1. */
    public Duration timerM() {
        return t1.multipliedBy(64);
    }

    public boolean timerCEnabled() {
        return !timerC.isZero();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}

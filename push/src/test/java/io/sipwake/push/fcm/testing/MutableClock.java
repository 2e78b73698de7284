package io.sipwake.push.fcm.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock for tests: the system clock plus an offset that {@link #advance} moves, or a frozen instant after
 * {@link #freeze()}. Thread-safe.
 */
public final class MutableClock extends Clock {

    private volatile Duration offset = Duration.ZERO;
    private volatile Instant frozen;

    @Override
    public Instant instant() {
        Instant f = frozen;
        return f != null ? f : Instant.now().plus(offset);
    }

    /** Moves the clock forward (or back, with a negative duration). */
    public synchronized void advance(Duration d) {
        if (frozen != null) frozen = frozen.plus(d);
        else offset = offset.plus(d);
    }

    /** Stops the clock at the current instant; {@link #advance} still moves it. */
    public synchronized void freeze() {
        frozen = instant();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("MutableClock is UTC only");
    }
}

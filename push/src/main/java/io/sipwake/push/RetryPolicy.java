package io.sipwake.push;

import java.time.Duration;
import java.util.Objects;

/**
 * How a sender retries a push after a transient failure (429, 5xx, a lost connection): at most
 * {@code maxAttempts} attempts in all, the delay starting at {@code initialBackoff} and doubling up
 * to {@code maxBackoff}, jittered, and never past the push's deadline.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public RetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("retry: maxAttempts must be at least 1 (got " + maxAttempts + ")");
        requirePositive(initialBackoff, "initialBackoff");
        requirePositive(maxBackoff, "maxBackoff");
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("retry: maxBackoff must not be shorter than initialBackoff");
        }
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) throw new IllegalArgumentException("retry: " + name + " must be positive (got " + d + ")");
    }
}

package io.sipwake.push.http;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of {@link HttpWakeSender}.
 *
 * @param allowHosts     where wake-up URLs may point (see {@link AllowList}); must not be empty: an empty list
 *                       means the sender is not built at all
 * @param timeout        per attempt: DNS resolution, connect and the whole answer
 * @param maxAttempts    attempts per push, the first one included (at least 1)
 * @param initialBackoff delay before the first retry; doubles per retry, jittered
 * @param maxBackoff     longest delay between attempts
 */
public record HttpWakeSettings(List<String> allowHosts, Duration timeout, int maxAttempts, Duration initialBackoff,
        Duration maxBackoff) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public HttpWakeSettings {
        allowHosts = List.copyOf(Objects.requireNonNull(allowHosts, "allowHosts"));
        if (allowHosts.isEmpty()) throw new IllegalArgumentException("http wake-up: allow-hosts is empty (the sender would refuse every URL)");
        AllowList.parse(allowHosts); // fail fast on a bad entry
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("http wake-up: timeout must be positive");
        if (maxAttempts < 1) throw new IllegalArgumentException("http wake-up: maxAttempts must be at least 1");
        if (initialBackoff.isNegative() || maxBackoff.isNegative()) throw new IllegalArgumentException("http wake-up: negative backoff");
    }

    /** {@code allowHosts} with a 5 s timeout, 3 attempts, backoff 200 ms doubling up to 2 s. */
    public static HttpWakeSettings of(List<String> allowHosts) {
        return new HttpWakeSettings(allowHosts, DEFAULT_TIMEOUT, 3, Duration.ofMillis(200), Duration.ofSeconds(2));
    }

    public HttpWakeSettings withTimeout(Duration t) {
        return new HttpWakeSettings(allowHosts, t, maxAttempts, initialBackoff, maxBackoff);
    }

    public HttpWakeSettings withRetry(int attempts, Duration initial, Duration max) {
        return new HttpWakeSettings(allowHosts, timeout, attempts, initial, max);
    }
}

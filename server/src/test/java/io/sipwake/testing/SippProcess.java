package io.sipwake.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * A running SIPp, e.g. a callee waiting for its call while the caller runs. Always closed:
 * {@link #close()} kills SIPp if it still runs.
 */
public final class SippProcess implements AutoCloseable {

    /** How long past its own -timeout SIPp gets to write its logs and exit. */
    static final Duration GRACE = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 20;

    private final BoundedProcess process;
    private final int localPort;
    private final Duration timeout;

    SippProcess(BoundedProcess process, int localPort, Duration timeout) {
        this.process = process;
        this.localPort = localPort;
        this.timeout = timeout;
    }

    /** The port SIPp listens and sends on (-p). */
    public int localPort() {
        return localPort;
    }

    /** Waits for SIPp to end on its own -timeout at the latest, and returns how it ended. */
    public SippResult awaitResult() {
        return awaitResult(timeout.plus(GRACE));
    }

    /** Waits up to {@code max} for SIPp to end (killing it then), and returns how it ended. */
    public SippResult awaitResult(Duration max) {
        int exitCode = process.awaitExit(max);
        String screens = BoundedProcess.read(process.workDir().resolve(Sipp.SCREEN_FILE));
        String output = process.output();
        String statistics = screens.isEmpty() ? output : screens;
        return new SippResult(
                process.command(),
                exitCode,
                SippResult.successfulCalls(statistics),
                SippResult.failedCalls(statistics),
                messages(),
                BoundedProcess.read(process.workDir().resolve(Sipp.ERROR_FILE)),
                output);
    }

    /**
     * Waits until SIPp has received a matching message, e.g. the callee's
     * {@code awaitReceived(SippMessage.response(200, "REGISTER"), Duration.ofSeconds(10))}.
     *
     * @throws AssertionError if SIPp ends, or {@code max} passes, without receiving one
     */
    public SippMessage awaitReceived(Predicate<SippMessage> which, Duration max) {
        Instant deadline = Instant.now().plus(max);
        while (true) {
            boolean ended = !process.isAlive();
            for (SippMessage message : messages()) {
                if (message.direction() == SippMessage.Direction.RECEIVED && which.test(message)) {
                    return message;
                }
            }
            if (ended || Instant.now().isAfter(deadline)) {
                throw new AssertionError("SIPp " + (ended ? "ended" : "is still running after " + max)
                        + " without receiving the awaited message\n" + awaitResult(Duration.ZERO));
            }
            sleep();
        }
    }

    /** The SIP messages SIPp has sent and received so far. */
    public List<SippMessage> messages() {
        return SippMessage.parseLog(BoundedProcess.read(process.workDir().resolve(Sipp.MESSAGE_FILE)));
    }

    /** Kills SIPp if it still runs and removes its files. */
    @Override
    public void close() {
        process.close();
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

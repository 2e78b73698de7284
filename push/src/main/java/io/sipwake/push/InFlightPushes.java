package io.sipwake.push;

import java.net.http.HttpClient;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The pushes a sender has in progress, so that closing the sender completes them with
 * {@link PushResult.Failed} instead of leaving their callers waiting. Thread-safe.
 */
public final class InFlightPushes {
    private final String sender;
    private final Set<CompletableFuture<PushResult>> pending = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** @param sender the sender's name for the Failed reasons, e.g. "FCM sender" */
    public InFlightPushes(String sender) {
        this.sender = sender;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Tracks a new push and hands its future to {@code delivery}, unless the sender is closed.
     * Returns a copy of the future for the caller (who must not complete the sender's own).
     */
    public CompletableFuture<PushResult> start(Consumer<CompletableFuture<PushResult>> delivery) {
        CompletableFuture<PushResult> result = new CompletableFuture<>();
        pending.add(result);
        result.whenComplete((r, e) -> pending.remove(result));
        if (closed.get()) { // closed between the caller's check and the add: close() may have missed this one
            result.complete(new PushResult.Failed(sender + " is closed", null));
        } else {
            delivery.accept(result);
        }
        return result.copy();
    }

    /** Marks the sender closed and fails every push in progress; false when it was already closed. */
    public boolean close() {
        if (!closed.compareAndSet(false, true)) return false;
        for (CompletableFuture<PushResult> f : pending) f.complete(new PushResult.Failed(sender + " closed", null));
        return true;
    }

    /** Closes an HTTP client's connections where the JDK can (HttpClient.shutdownNow exists from JDK 21). */
    public static void shutdownNow(HttpClient http) {
        try {
            HttpClient.class.getMethod("shutdownNow").invoke(http);
        } catch (ReflectiveOperationException | RuntimeException jdk17) {
            // on JDK 17 the client's connections end with its executor, which the sender shuts down itself
        }
    }
}

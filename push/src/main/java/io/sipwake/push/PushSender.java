package io.sipwake.push;

import java.util.concurrent.CompletableFuture;

/**
 * Sends pushes to one push service. Implementations are long-lived and thread-safe, keep their
 * HTTP/2 connections open between pushes, never block the caller, and retry transient failures
 * (429, 5xx, connection loss) with backoff only while the push's deadline allows.
 *
 * <p>The future never completes exceptionally: every outcome is a {@link PushResult}.
 */
public interface PushSender extends AutoCloseable {

    /** The RFC 8599 {@code pn-provider} values this sender serves, e.g. {@code apns}. */
    java.util.Set<String> providers();

    CompletableFuture<PushResult> send(PushRequest request);

    @Override
    void close();
}

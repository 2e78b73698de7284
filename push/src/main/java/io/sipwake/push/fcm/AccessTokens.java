package io.sipwake.push.fcm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.http.HttpResponseException;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.ServiceAccountCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The OAuth2 access token of one project: fetched with the service-account JWT-bearer grant, cached, and
 * replaced in the background {@code refreshMargin} before it expires.
 *
 * <p>{@link #get()} never blocks: it returns the cached token, or a future of the refresh that is running (one
 * at a time per project, on {@code executor}, because the Google library does blocking I/O). A credentials
 * failure (the token endpoint refuses the grant) is remembered for {@link #FAILURE_HOLD} so a broken key does
 * not send one token request per push; a transient failure is not remembered.
 */
final class AccessTokens {

    private static final Logger log = LoggerFactory.getLogger(AccessTokens.class);

    /** A token this close to its expiry is not used any more, even while a refresh is running. */
    static final Duration MIN_VALIDITY = Duration.ofSeconds(10);
    /** How long a credentials failure is reported without asking the token endpoint again. */
    static final Duration FAILURE_HOLD = Duration.ofSeconds(30);
    /** Assumed lifetime of a token that comes without an expiry (Google's tokens live one hour). */
    private static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(55);

    private final String projectId;
    private final ServiceAccountCredentials credentials;
    private final Executor executor;
    private final Clock clock;
    private final Duration refreshMargin;
    private final ObjectMapper json;

    private final Object lock = new Object();
    private Cached current;                           // guarded by lock
    private CompletableFuture<String> refreshing;     // guarded by lock; null when no refresh runs
    private TokenFailure heldFailure;                 // guarded by lock
    private Instant heldUntil;                        // guarded by lock
    private final AtomicLong fetches = new AtomicLong();

    private record Cached(String value, Instant expiresAt) {}

    AccessTokens(String projectId, ServiceAccountCredentials credentials, Executor executor, Clock clock,
                 Duration refreshMargin, ObjectMapper json) {
        this.projectId = projectId;
        this.credentials = credentials;
        this.executor = executor;
        this.clock = clock;
        this.refreshMargin = refreshMargin;
        this.json = json;
    }

    /**
     * A usable access token: at once if one is cached (starting a background refresh when it is near expiry),
     * else when the refresh completes. Fails with {@link TokenFailure}.
     */
    CompletableFuture<String> get() {
        synchronized (lock) {
            Instant now = clock.instant();
            if (current != null && now.plus(MIN_VALIDITY).isBefore(current.expiresAt())) {
                if (!now.plus(refreshMargin).isBefore(current.expiresAt())) refreshLocked();
                return CompletableFuture.completedFuture(current.value());
            }
            if (heldFailure != null && now.isBefore(heldUntil)) return CompletableFuture.failedFuture(heldFailure);
            return refreshLocked();
        }
    }

    /** Forgets {@code token} if it is still the cached one (FCM refused it), so the next push gets a new one. */
    void invalidate(String token) {
        synchronized (lock) {
            if (current != null && current.value().equals(token)) current = null;
        }
    }

    /** How many times the token endpoint was asked (for tests and metrics). */
    long fetches() {
        return fetches.get();
    }

    private CompletableFuture<String> refreshLocked() {
        if (refreshing != null) return refreshing;
        CompletableFuture<String> f = new CompletableFuture<>();
        refreshing = f;
        try {
            executor.execute(() -> fetch(f));
        } catch (RejectedExecutionException e) {
            refreshing = null;
            f.completeExceptionally(new TokenFailure(false, 0, "CLOSED", "the FCM sender is closed", e));
        }
        return f;
    }

    private void fetch(CompletableFuture<String> f) {
        fetches.incrementAndGet();
        Cached fresh = null;
        TokenFailure failure;
        Error fatal = null;
        try {
            AccessToken token = credentials.refreshAccessToken();
            if (token == null || token.getTokenValue() == null || token.getTokenValue().isEmpty()) {
                failure = new TokenFailure(false, 0, "NO_ACCESS_TOKEN", "the token endpoint returned no access token", null);
            } else {
                // The library dates the expiry on the system clock; keep the lifetime, on our clock.
                Date exp = token.getExpirationTime();
                Duration lifetime = exp != null ? Duration.between(Instant.now(), exp.toInstant()) : DEFAULT_LIFETIME;
                fresh = new Cached(token.getTokenValue(), clock.instant().plus(lifetime));
                failure = null;
            }
        } catch (Exception e) {
            failure = classify(e);
        } catch (Error e) {
            fatal = e;
            failure = new TokenFailure(false, 0, "ERROR", e.toString(), e);
        }
        synchronized (lock) {
            refreshing = null;
            if (fresh != null) {
                current = fresh;
                heldFailure = null;
            } else if (failure.operatorError()) {
                heldFailure = failure;
                heldUntil = clock.instant().plus(FAILURE_HOLD);
            }
        }
        if (fresh != null) {
            log.debug("FCM project {}: new OAuth2 access token for {}, valid until {}", projectId,
                    credentials.getClientEmail(), fresh.expiresAt());
            f.complete(fresh.value());
            return;
        }
        if (failure.operatorError()) {
            log.error("FCM project {}: the token endpoint {} refused service account {}: {} (check the key file: revoked "
                            + "or replaced key, wrong account?)",
                    projectId, credentials.getTokenServerUri(), credentials.getClientEmail(), failure.getMessage());
        } else {
            log.warn("FCM project {}: no OAuth2 access token from {}: {}", projectId, credentials.getTokenServerUri(),
                    failure.getMessage());
        }
        f.completeExceptionally(failure);
        if (fatal != null) throw fatal;
    }

    /**
     * A token endpoint that answers 4xx refuses our credentials (invalid_grant: bad signature, deleted key,
     * unknown account; invalid_scope; invalid_client…): an operator error. 408, 429, 5xx and I/O errors are
     * transient. A key that cannot sign is an operator error.
     */
    TokenFailure classify(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpResponseException http) {
                int status = http.getStatusCode();
                String error = null;
                String description = null;
                try {
                    JsonNode body = json.readTree(http.getContent() == null ? "" : http.getContent());
                    if (body != null) {
                        error = body.path("error").isTextual() ? body.path("error").asText() : null;
                        description = body.path("error_description").isTextual() ? body.path("error_description").asText() : null;
                    }
                } catch (IOException | RuntimeException ignored) {
                    // not the OAuth2 error JSON
                }
                String reason = error != null ? error : "HTTP_" + status;
                String message = "HTTP " + status + " " + reason + (description != null ? ": " + description : "");
                boolean transientStatus = status == 408 || status == 429 || status >= 500;
                return new TokenFailure(!transientStatus, status, reason, message, e);
            }
            if (t instanceof GeneralSecurityException) {
                return new TokenFailure(true, 0, "BAD_PRIVATE_KEY", "cannot sign with the service account key: " + t, e);
            }
        }
        return new TokenFailure(false, 0, "TOKEN_ENDPOINT_UNREACHABLE", String.valueOf(e), e);
    }

    /**
     * Why no access token could be had.
     */
    static final class TokenFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean operatorError;
        private final int status;
        private final String reason;

        TokenFailure(boolean operatorError, int status, String reason, String message, Throwable cause) {
            super(message, cause, false, false);
            this.operatorError = operatorError;
            this.status = status;
            this.reason = reason;
        }

        /** The credentials are refused: retrying will not help until the operator fixes them. */
        boolean operatorError() {
            return operatorError;
        }

        /** HTTP status of the token endpoint, 0 without one. */
        int status() {
            return status;
        }

        /** OAuth2 {@code error} code ({@code invalid_grant}…) or our own code. */
        String reason() {
            return reason;
        }
    }
}

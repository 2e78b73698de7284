package io.sipwake.proxy.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Server side of SIP Digest authentication (RFC 3261 §22 with the algorithms of RFC 7616 and
 * RFC 8760) for one realm, working on header values as strings.
 *
 * <p>Usage: answer an unauthenticated request with 401 and one {@code WWW-Authenticate} header per
 * {@link #challenges} value (or 407 / {@code Proxy-Authenticate}); pass each {@code Authorization}
 * value of a retried request to {@link #verify}. On {@link Outcome.Stale} re-challenge with
 * {@code challenges(true)}, so the client retries without asking its user for the password.
 *
 * <p>Nonces are stateless and carry an HMAC under {@code serverSecret}, so several instances (or a
 * restarted one) sharing the secret accept each other's nonces. Replay protection: with qop, each
 * {@code nc} is accepted at most once per nonce (bounded memory, see {@link NonceCounts}); without
 * qop (RFC 2069 clients) there is no counter, and a captured header can be replayed until its nonce
 * expires, so the replay window is the nonce lifetime.
 *
 * <p>{@code verify} computes the digest over the {@code uri} parameter as sent. It does not compare
 * that to the Request-URI (it never sees the request). RFC 2617 §3.2.2.5 asks servers to make sure
 * both name the same resource; a caller that wants that should compare {@link DigestResponse#uri()}
 * with the Request-URI, bearing in mind that proxies on the way may have rewritten the latter.
 *
 * <p>Thread-safe; {@code verify} takes no locks.
 */
public final class DigestAuthenticator {

    /** The result of {@link #verify}. Reasons in {@link Rejected} are for logs, never for the peer. */
    public sealed interface Outcome {
        /** The digest is right: {@code username} is the one from {@link Credentials#username()}. */
        record Authenticated(String username) implements Outcome {}

        /** The digest is right but the nonce expired or its nc was already used: re-challenge with stale=true. */
        record Stale() implements Outcome {}

        /** Wrong password, unknown user, forged nonce, malformed header, etc. */
        record Rejected(String reason) implements Outcome {}
    }

    /** SHA-256 first: RFC 8760 says the server lists its preferred algorithm first. MD5 for old phones. */
    public static final List<DigestAlgorithm> DEFAULT_ALGORITHMS = List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);
    /** Enough for tens of thousands of registered devices; about 200 bytes per entry. */
    public static final int DEFAULT_MAX_TRACKED_NONCES = 100_000;

    private static final int MIN_SECRET_BYTES = 16;
    private static final Pattern NC = Pattern.compile("[0-9a-fA-F]{8}");

    private final String realm;
    private final CredentialLookup users;
    private final Clock clock;
    private final long lifetimeMillis;
    private final List<DigestAlgorithm> algorithms;
    private final Nonces nonces;
    private final NonceCounts nonceCounts;
    /** Never matches anything; used for unknown users so that they cost the same hashing as known ones. */
    private final String decoyPassword;

    /** An authenticator offering {@link #DEFAULT_ALGORITHMS} and tracking {@link #DEFAULT_MAX_TRACKED_NONCES}. */
    public DigestAuthenticator(String realm, CredentialLookup users, byte[] serverSecret, Clock clock,
                               Duration nonceLifetime) {
        this(realm, users, serverSecret, clock, nonceLifetime, DEFAULT_ALGORITHMS, DEFAULT_MAX_TRACKED_NONCES);
    }

    /**
     * @param serverSecret at least 16 random bytes; copied
     * @param nonceLifetime how long a nonce is accepted; also the replay window for RFC 2069 clients
     * @param algorithms offered in this order, and the only ones {@code verify} accepts
     * @param maxTrackedNonces bound on the nonce-count memory
     */
    public DigestAuthenticator(String realm, CredentialLookup users, byte[] serverSecret, Clock clock,
                               Duration nonceLifetime, List<DigestAlgorithm> algorithms, int maxTrackedNonces) {
        this.realm = Objects.requireNonNull(realm, "realm");
        this.users = Objects.requireNonNull(users, "users");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (serverSecret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("serverSecret must have at least " + MIN_SECRET_BYTES + " bytes");
        }
        if (nonceLifetime.isNegative() || nonceLifetime.isZero()) {
            throw new IllegalArgumentException("nonceLifetime must be positive");
        }
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("at least one algorithm is required");
        }
        this.lifetimeMillis = nonceLifetime.toMillis();
        this.algorithms = List.copyOf(algorithms);
        this.nonces = new Nonces(serverSecret.clone(), realm);
        this.nonceCounts = new NonceCounts(maxTrackedNonces);
        this.decoyPassword = UUID.randomUUID().toString(); // random, so no real response can match it
    }

    /**
     * One challenge value per offered algorithm, preferred first, each with its own fresh nonce (so a
     * client's nonce count is never shared between algorithms) and {@code qop="auth"}; e.g.
     * {@code Digest realm="example.org", nonce="…", algorithm=SHA-256, qop="auth"}.
     *
     * @param stale add {@code stale=true}, telling the client its password was right but the nonce was not
     */
    public List<String> challenges(boolean stale) {
        long now = clock.millis();
        List<String> values = new ArrayList<>(algorithms.size());
        for (DigestAlgorithm algorithm : algorithms) {
            values.add("Digest realm=" + AuthParams.quote(realm) + ", nonce=" + AuthParams.quote(nonces.issue(now))
                    + ", algorithm=" + algorithm.token() + ", qop=\"auth\"" + (stale ? ", stale=true" : ""));
        }
        return List.copyOf(values);
    }

    /** {@link #verify(String, String, byte[])} for requests answered without qop=auth-int. */
    public Outcome verify(String method, String authorizationValue) {
        return verify(method, authorizationValue, null);
    }

    /**
     * Checks one {@code Authorization} (or {@code Proxy-Authorization}) value of a request.
     *
     * <p>Accepts qop=auth, qop=auth-int (only when {@code body} is given) and the RFC 2069 form without
     * qop, with any of the offered algorithms. The realm must be this authenticator's. An unknown user
     * costs the same hashing as a known one, so the two cannot be told apart by timing beyond what
     * the {@link CredentialLookup} itself reveals.
     *
     * @param method the request method, e.g. {@code REGISTER}
     * @param body the request body for qop=auth-int (empty array if none); {@code null} if unknown,
     *     in which case auth-int responses are rejected
     * @throws RuntimeException whatever the {@link CredentialLookup} throws
     */
    public Outcome verify(String method, String authorizationValue, byte[] body) {
        Objects.requireNonNull(method, "method");
        DigestResponse r;
        try {
            r = DigestResponse.parse(authorizationValue);
        } catch (IllegalArgumentException e) {
            return new Outcome.Rejected("malformed credentials: " + e.getMessage());
        }
        if (!r.realm().equals(realm)) {
            return new Outcome.Rejected("realm mismatch");
        }
        if (r.userhash()) {
            return new Outcome.Rejected("userhash not supported"); // never offered; would need a reverse index
        }
        Optional<DigestAlgorithm> algorithm = DigestAlgorithm.fromToken(r.algorithm());
        if (algorithm.isEmpty() || !algorithms.contains(algorithm.get())) {
            return new Outcome.Rejected("algorithm not offered: " + r.algorithm());
        }
        long nc = 0;
        if (r.qop() != null) {
            String qop = r.qop().toLowerCase(Locale.ROOT);
            if (!qop.equals("auth") && !qop.equals("auth-int")) {
                return new Outcome.Rejected("unsupported qop: " + r.qop());
            }
            if (qop.equals("auth-int") && body == null) {
                return new Outcome.Rejected("qop=auth-int needs the request body");
            }
            if (r.nc() == null || !NC.matcher(r.nc()).matches()) {
                return new Outcome.Rejected("missing or malformed nc");
            }
            nc = Long.parseLong(r.nc(), 16);
            if (nc == 0) {
                return new Outcome.Rejected("nc must start at 1");
            }
        }
        if ((r.qop() != null || algorithm.get().session()) && (r.cnonce() == null || r.cnonce().isEmpty())) {
            return new Outcome.Rejected("missing cnonce");
        }
        // The nonce is checked before the user lookup so that forged nonces cost no store access.
        OptionalLong issuedAt = nonces.issuedAt(r.nonce());
        if (issuedAt.isEmpty()) {
            return new Outcome.Rejected("invalid nonce");
        }

        Optional<Credentials> credentials = users.find(r.username(), realm);
        String password = credentials.map(Credentials::password).orElse(decoyPassword);
        String expected = algorithm.get().response(r.username(), r.realm(), password, method, r.uri(),
                r.nonce(), r.qop(), r.nc(), r.cnonce(), body);
        boolean match = MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII),
                r.response().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        if (credentials.isEmpty()) {
            return new Outcome.Rejected("unknown user");
        }
        if (!match) {
            return new Outcome.Rejected("wrong response");
        }

        // Only now, with proof of the password, is "stale" an honest answer (RFC 7616 §3.3).
        long now = clock.millis();
        long expiresAt = issuedAt.getAsLong() + lifetimeMillis;
        if (now >= expiresAt) {
            return new Outcome.Stale();
        }
        // A repeated nc is a replay or reordering; Stale makes an honest client fetch a new nonce.
        if (r.qop() != null && !nonceCounts.advance(r.nonce(), nc, expiresAt, now)) {
            return new Outcome.Stale();
        }
        return new Outcome.Authenticated(credentials.get().username());
    }
}

package io.sipwake.proxy.auth;

import java.util.Optional;

/**
 * Finds the credentials of a user in a realm.
 *
 * <p>Implementations must be thread-safe: {@link DigestAuthenticator#verify} calls this concurrently.
 * An exception thrown here (e.g. the store is down) propagates out of {@code verify}: an outage is
 * not the same thing as a bad password, and the caller should answer 500/503, not 403.
 */
@FunctionalInterface
public interface CredentialLookup {

    /** The credentials for {@code username} in {@code realm}, or empty if there is no such user. */
    Optional<Credentials> find(String username, String realm);
}

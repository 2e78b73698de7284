package io.sipwake.proxy.auth;

import java.util.Objects;

/**
 * A user the registrar knows: username, realm and password (from config).
 *
 * <p>{@link #toString()} redacts the password so that credentials never end up in logs.
 */
public record Credentials(String username, String realm, String password) {

    public Credentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", realm=" + realm + ", password=<redacted>]";
    }
}

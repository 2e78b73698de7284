package io.sipwake.server.config;

/** A configuration that sipwake refuses to run with; the message names the key and the problem. */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}

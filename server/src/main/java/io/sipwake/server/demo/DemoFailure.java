package io.sipwake.server.demo;

/** The demo did not go as it should: the message says which step failed and what was seen instead. */
public final class DemoFailure extends Exception {
    private static final long serialVersionUID = 1L;

    DemoFailure(String message) {
        super(message);
    }

    DemoFailure(String message, Throwable cause) {
        super(message, cause);
    }
}

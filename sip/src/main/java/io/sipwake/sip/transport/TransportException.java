package io.sipwake.sip.transport;

/** A message could not be sent: refused, reset, closed, unresolvable or too large for the transport. */
public class TransportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }

    public TransportException(String message) {
        super(message);
    }
}

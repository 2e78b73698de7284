package io.sipwake.sip.message;

/**
 * A header value, URI or start line that does not follow the RFC 3261 grammar. The message says
 * what was wrong in a form fit for a 400 reason phrase.
 */
public class SipSyntaxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SipSyntaxException(String message) {
        super(message);
    }
}

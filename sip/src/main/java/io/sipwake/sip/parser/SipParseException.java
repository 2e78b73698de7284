package io.sipwake.sip.parser;

import io.sipwake.sip.message.SipRequest;

/**
 * A message that could not be accepted. When {@link #partialRequest()} is not null the input was a
 * request parsed far enough to be answered with {@link #status()} and {@link #getMessage()} as
 * reason phrase (RFC 3261 §16.3, §21.4.1); otherwise it must be dropped.
 */
public final class SipParseException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient SipRequest partial;

    public SipParseException(int status, String reason, SipRequest partial) {
        super(reason, null, false, false);
        this.status = status;
        this.partial = partial;
    }

    /** The response code to answer with: 400, 505 or 513. */
    public int status() {
        return status;
    }

    /** What was parsed of the request (headers as written), or null when the input cannot be answered. */
    public SipRequest partialRequest() {
        return partial;
    }

    /** True when a response can be built and routed: a request with a parseable top Via and the §8.2.6.2 headers. */
    public boolean isAnswerable() {
        if (partial == null) return false;
        try {
            return partial.topVia() != null && partial.callId() != null && partial.header("From") != null
                    && partial.header("To") != null && partial.header("CSeq") != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

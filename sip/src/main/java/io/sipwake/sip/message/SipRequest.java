package io.sipwake.sip.message;

import java.util.List;

/** A SIP request (RFC 3261 §7.1). See {@link SipMessage} for the threading contract. */
public final class SipRequest extends SipMessage {
    private final String method;
    private Uri requestUri;

    public SipRequest(String method, Uri requestUri, List<Header> headers) {
        super(headers);
        this.method = method;
        this.requestUri = requestUri;
    }

    public String method() {
        return method;
    }

    public boolean isMethod(String m) {
        return method.equals(m);
    }

    public Uri requestUri() {
        return requestUri;
    }

    public void setRequestUri(Uri uri) {
        this.requestUri = uri;
    }

    @Override
    public String startLine() {
        return method + " " + requestUri + " SIP/2.0";
    }

    @Override
    public SipRequest copy() {
        SipRequest r = new SipRequest(method, requestUri, headerList());
        r.setBody(body());
        return r;
    }

    /**
     * Builds a response to this request as RFC 3261 §8.2.6.2 says: Via, From, Call-ID and CSeq
     * copied, To copied with {@code toTag} added when it has no tag (pass null to leave it).
     * Header values are copied as written, so even a request with a malformed To can be answered.
     * Every Via is copied; of From, To, Call-ID and CSeq, which a message has once, only the first
     * (a request that repeats them, as RFC 4475 multi01 does, still gets a well-formed answer).
     */
    public SipResponse createResponse(int status, String reason, String toTag) {
        SipResponse r = new SipResponse(status, reason == null ? SipResponse.defaultReason(status) : reason, List.of());
        boolean from = false;
        boolean to = false;
        boolean callId = false;
        boolean cseq = false;
        for (Header h : headerList()) {
            if (h.is(HeaderNames.VIA)) {
                r.addHeader(HeaderNames.VIA, h.value());
            } else if (h.is(HeaderNames.FROM)) {
                if (!from) r.addHeader(HeaderNames.FROM, h.value());
                from = true;
            } else if (h.is(HeaderNames.CALL_ID)) {
                if (!callId) r.addHeader(HeaderNames.CALL_ID, h.value());
                callId = true;
            } else if (h.is(HeaderNames.CSEQ)) {
                if (!cseq) r.addHeader(HeaderNames.CSEQ, h.value());
                cseq = true;
            } else if (h.is(HeaderNames.TO)) {
                if (to) continue;
                to = true;
                String value = h.value();
                if (toTag != null && status > 100 && !hasTag(value)) value = value + ";tag=" + toTag;
                r.addHeader(HeaderNames.TO, value);
            }
        }
        return r;
    }

    private static boolean hasTag(String to) {
        try {
            return NameAddress.parse(to).tag() != null;
        } catch (SipSyntaxException e) {
            return to.toLowerCase(java.util.Locale.ROOT).contains(";tag=");
        }
    }
}

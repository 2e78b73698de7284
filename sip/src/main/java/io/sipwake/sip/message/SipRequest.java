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
     */
    public SipResponse createResponse(int status, String reason, String toTag) {
        SipResponse r = new SipResponse(status, reason == null ? SipResponse.defaultReason(status) : reason, List.of());
        for (Header h : headerList()) {
            if (h.is(HeaderNames.VIA) || h.is(HeaderNames.FROM) || h.is(HeaderNames.CALL_ID) || h.is(HeaderNames.CSEQ)) {
                r.addHeader(h.name(), h.value());
            } else if (h.is(HeaderNames.TO)) {
                String to = h.value();
                if (toTag != null && status > 100 && !hasTag(to)) to = to + ";tag=" + toTag;
                r.addHeader(HeaderNames.TO, to);
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

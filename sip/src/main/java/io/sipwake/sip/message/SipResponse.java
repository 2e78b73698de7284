package io.sipwake.sip.message;

import java.util.List;

/** A SIP response (RFC 3261 §7.2). See {@link SipMessage} for the threading contract. */
public final class SipResponse extends SipMessage {
    private final int status;
    private final String reason;

    public SipResponse(int status, String reason, List<Header> headers) {
        super(headers);
        this.status = status;
        this.reason = reason;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    public boolean isProvisional() {
        return status < 200;
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    public boolean isFinal() {
        return status >= 200;
    }

    @Override
    public String startLine() {
        return "SIP/2.0 " + status + " " + reason;
    }

    @Override
    public SipResponse copy() {
        SipResponse r = new SipResponse(status, reason, headerList());
        r.setBody(body());
        return r;
    }

    /** A copy with another status line, same headers and body. */
    public SipResponse withStatus(int newStatus, String newReason) {
        SipResponse r = new SipResponse(newStatus, newReason, headerList());
        r.setBody(body());
        return r;
    }

    public static String defaultReason(int status) {
        switch (status) {
            case 100: return "Trying";
            case 180: return "Ringing";
            case 181: return "Call Is Being Forwarded";
            case 182: return "Queued";
            case 183: return "Session Progress";
            case 200: return "OK";
            case 202: return "Accepted";
            case 301: return "Moved Permanently";
            case 302: return "Moved Temporarily";
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 407: return "Proxy Authentication Required";
            case 408: return "Request Timeout";
            case 410: return "Gone";
            case 413: return "Request Entity Too Large";
            case 414: return "Request-URI Too Long";
            case 415: return "Unsupported Media Type";
            case 416: return "Unsupported URI Scheme";
            case 420: return "Bad Extension";
            case 421: return "Extension Required";
            case 423: return "Interval Too Brief";
            case 480: return "Temporarily Unavailable";
            case 481: return "Call/Transaction Does Not Exist";
            case 482: return "Loop Detected";
            case 483: return "Too Many Hops";
            case 484: return "Address Incomplete";
            case 486: return "Busy Here";
            case 487: return "Request Terminated";
            case 488: return "Not Acceptable Here";
            case 491: return "Request Pending";
            case 500: return "Server Internal Error";
            case 501: return "Not Implemented";
            case 502: return "Bad Gateway";
            case 503: return "Service Unavailable";
            case 504: return "Server Time-out";
            case 505: return "Version Not Supported";
            case 513: return "Message Too Large";
            case 555: return "Push Notification Service Not Supported";
            case 600: return "Busy Everywhere";
            case 603: return "Decline";
            case 604: return "Does Not Exist Anywhere";
            case 606: return "Not Acceptable";
            default:
                if (status < 200) return "Session Progress";
                if (status < 300) return "OK";
                if (status < 400) return "Redirect";
                if (status < 500) return "Client Error";
                if (status < 600) return "Server Error";
                return "Global Failure";
        }
    }
}

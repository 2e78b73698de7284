package io.sipwake.sip.transport;

import java.util.Locale;

/** The SIP transports sipwake speaks: RFC 3261 §18 (UDP, TCP, TLS) and RFC 7118 (WS, WSS). */
public enum Transport {
    UDP(false, false, 5060),
    TCP(true, false, 5060),
    TLS(true, true, 5061),
    WS(true, false, 80),
    WSS(true, true, 443);

    private final boolean reliable;
    private final boolean secure;
    private final int defaultPort;

    Transport(boolean reliable, boolean secure, int defaultPort) {
        this.reliable = reliable;
        this.secure = secure;
        this.defaultPort = defaultPort;
    }

    /** True for connection-oriented transports: no retransmission of requests by timers A/E (RFC 3261 §17). */
    public boolean isReliable() {
        return reliable;
    }

    public boolean isSecure() {
        return secure;
    }

    public int defaultPort() {
        return defaultPort;
    }

    /** The name used in Via headers, e.g. {@code UDP}, {@code WSS}. */
    public String viaName() {
        return name();
    }

    /** The value of a URI {@code transport=} parameter, e.g. {@code tcp}, {@code ws}. */
    public String uriParam() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a Via transport or URI transport parameter; null when unknown. */
    public static Transport fromName(String name) {
        if (name == null) return null;
        switch (name.toUpperCase(Locale.ROOT)) {
            case "UDP": return UDP;
            case "TCP": return TCP;
            case "TLS": return TLS;
            case "WS": return WS;
            case "WSS": return WSS;
            default: return null;
        }
    }
}

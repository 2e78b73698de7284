package io.sipwake.testing;

/** The SIP transport a peer uses. */
public enum PeerTransport {
    UDP,
    TCP,
    TLS;

    /** The lower-case name, as in a URI's transport parameter and sipsak's --transport. */
    public String lowerCase() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

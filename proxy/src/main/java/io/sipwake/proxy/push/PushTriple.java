package io.sipwake.proxy.push;

import io.sipwake.sip.message.SipUri;
import java.util.Objects;
import java.util.Optional;

/**
 * The RFC 8599 {@code (pn-provider, pn-param, pn-prid)} of a URI, unescaped but otherwise as the
 * phone sent them (not normalised: {@code apns.dev} stays {@code apns.dev}). This is what §5.3
 * compares between a REGISTER's Contact and a held request's Request-URI.
 *
 * <p>{@link #toString()} never prints the PRID.
 *
 * @param provider the {@code pn-provider} value
 * @param param the {@code pn-param} value, or null when absent (e.g. {@code webpush}, §12)
 * @param prid the {@code pn-prid} value
 */
public record PushTriple(String provider, String param, String prid) {

    public PushTriple {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(prid, "prid");
    }

    /**
     * The triple in the parameters of {@code uri}, or empty when it lacks a valued
     * {@code pn-provider} or {@code pn-prid}.
     */
    public static Optional<PushTriple> of(SipUri uri) {
        String provider = SipUri.unescape(uri.param("pn-provider"));
        String prid = SipUri.unescape(uri.param("pn-prid"));
        if (provider == null || provider.isEmpty() || prid == null || prid.isEmpty()) return Optional.empty();
        return Optional.of(new PushTriple(provider, SipUri.unescape(uri.param("pn-param")), prid));
    }

    /**
     * Whether both triples name the same push target: the provider compares case-insensitively
     * (RFC 3261 §19.1.4 compares parameter values that way), pn-param and pn-prid exactly, since
     * FCM tokens and WebPush URLs are case-sensitive.
     */
    public boolean sameTargetAs(PushTriple other) {
        return provider.equalsIgnoreCase(other.provider) && Objects.equals(param, other.param) && prid.equals(other.prid);
    }

    @Override
    public String toString() {
        return "PushTriple[" + provider + ", " + param + ", " + PushToken.redact(prid) + "]";
    }
}

package io.sipwake.proxy.push;

import io.sipwake.sip.message.SipUri;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * RFC 8599 §5.3: which REGISTER Contact releases which held request. Pure functions.
 */
public final class PushUriMatching {
    private PushUriMatching() {}

    /**
     * The §5.3 comparison of the Contact URI of a REGISTER (or of its 2xx) with the Request-URI of
     * a request held in the bucket: the URIs must be equal by RFC 3261 §19.1.4, and in addition
     * the {@code pn-provider}, {@code pn-param} and {@code pn-prid} must match and a {@code pn-*}
     * parameter present in one URI but not the other means no match (where RFC 3261 would ignore
     * a parameter present on one side only). {@code pn-provider} values compare
     * case-insensitively, every other {@code pn-*} value exactly after unescaping (FCM tokens and
     * WebPush URLs are case-sensitive).
     */
    public static boolean matches(SipUri registered, SipUri requestUri) {
        if (!registered.equivalentTo(requestUri)) return false;
        Map<String, String> a = pnParams(registered);
        Map<String, String> b = pnParams(requestUri);
        if (!a.keySet().equals(b.keySet())) return false;
        for (Map.Entry<String, String> e : a.entrySet()) {
            String x = e.getValue();
            String y = b.get(e.getKey());
            if (x == null || y == null) {
                if (x != y) return false;
            } else if (e.getKey().equals("pn-provider") ? !x.equalsIgnoreCase(y) : !x.equals(y)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The "local policy" match §5.3 allows when only the push parameters agree: both URIs carry a
     * {@code (pn-provider, pn-param, pn-prid)} triple and it is the same
     * ({@link PushTriple#sameTargetAs}); host, port, user and other parameters are ignored. For
     * a phone that woke up on a new network with a new address. False when either URI has no
     * valued {@code pn-provider} and {@code pn-prid}.
     */
    public static boolean samePushDevice(SipUri a, SipUri b) {
        Optional<PushTriple> x = PushTriple.of(a);
        Optional<PushTriple> y = PushTriple.of(b);
        return x.isPresent() && y.isPresent() && x.get().sameTargetAs(y.get());
    }

    /** Lower-case name of every pn-* parameter to its unescaped value (null when valueless). */
    private static Map<String, String> pnParams(SipUri uri) {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : uri.params().entries()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith("pn-")) out.putIfAbsent(name, SipUri.unescape(e.getValue()));
        }
        return out;
    }
}

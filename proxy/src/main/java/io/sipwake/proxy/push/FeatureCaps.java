package io.sipwake.proxy.push;

import io.sipwake.sip.message.Lexer;
import io.sipwake.sip.message.Parameters;
import io.sipwake.sip.message.SipSyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One {@code Feature-Caps} header field value (RFC 6809 {@code fc-value}) with the RFC 8599 §8.2–8.6
 * feature-capability indicators. Immutable.
 *
 * <p>Writing: {@code FeatureCaps.pns("apns").withPnsreg(121).toString()} gives
 * {@code *;+sip.pns="apns";+sip.pnsreg="121"}. RFC 8599 §5.4: one Feature-Caps header field per
 * push service, and {@code sip.pnsreg}, {@code sip.pnspurr}, {@code sip.vapid} only in a field that
 * also has {@code sip.pns} — the builder starts from {@link #pns(String)} so it cannot do otherwise.
 *
 * <p>Reading: {@link #parse(String)} accepts a value with or without the leading {@code *;}
 * (OpenSIPS sends {@code +sip.pns="fcm";+sip.pnsreg="130"}); {@link #parseHeader(String)} splits a
 * header value holding several comma-separated fc-values. Indicator names are stored lower-case
 * without the {@code +}; values unquoted. Only {@code sip.pnsreg} is read as the refresh
 * indicator — RFC 8599 §4.1.4's {@code sip.pnsreq} is a typo (§8.4, §14.3.3) and stays an
 * unknown indicator.
 */
public final class FeatureCaps {
    public static final String PNS = "sip.pns";
    public static final String PNSREG = "sip.pnsreg";
    public static final String PNSPURR = "sip.pnspurr";
    public static final String VAPID = "sip.vapid";

    private final Map<String, String> indicators; // lower-case name without '+' -> unquoted value, "" when valueless

    private FeatureCaps(Map<String, String> indicators) {
        this.indicators = Collections.unmodifiableMap(indicators);
    }

    // ---- writing ----

    /** {@code *;+sip.pns="<provider>"}: sipwake requests pushes from this provider (RFC 8599 §5.4, §8.2). */
    public static FeatureCaps pns(String provider) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(PNS, checkTagValue("provider", provider));
        return new FeatureCaps(m);
    }

    /** Adds {@code +sip.pnsreg="<seconds>"} (§8.4): the phone must refresh that long before its binding expires. */
    public FeatureCaps withPnsreg(long seconds) {
        if (seconds < 0) throw new IllegalArgumentException("sip.pnsreg must not be negative: " + seconds);
        return with(PNSREG, Long.toString(seconds));
    }

    /** Adds {@code +sip.pnspurr="<purr>"} (§8.5, §6.2.1). */
    public FeatureCaps withPurr(String purr) {
        return with(PNSPURR, checkTagValue("PURR", purr));
    }

    /** Adds {@code +sip.vapid="<public key>"} (§8.3): the proxy's VAPID public key. */
    public FeatureCaps withVapid(String publicKey) {
        return with(VAPID, checkQuotable("VAPID key", publicKey));
    }

    private FeatureCaps with(String name, String value) {
        if (!indicators.containsKey(PNS)) throw new IllegalStateException(name + " needs sip.pns in the same Feature-Caps (RFC 8599 §5.4)");
        Map<String, String> m = new LinkedHashMap<>(indicators);
        m.put(name, value);
        return new FeatureCaps(m);
    }

    /** The header field value, e.g. {@code *;+sip.pns="apns";+sip.pnsreg="121"}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("*");
        for (Map.Entry<String, String> e : indicators.entrySet()) {
            sb.append(";+").append(e.getKey());
            if (!e.getValue().isEmpty()) sb.append('=').append(Lexer.quote(e.getValue()));
        }
        return sb.toString();
    }

    // ---- reading ----

    /**
     * Parses one fc-value, {@code *;+sip.pns="apns";+sip.pnsreg="121"} or the same without
     * {@code *;}. Throws {@link SipSyntaxException} naming what is wrong.
     */
    public static FeatureCaps parse(String fcValue) {
        String text = fcValue.trim();
        if (text.isEmpty()) throw new SipSyntaxException("empty Feature-Caps value");
        Parameters params;
        try {
            params = Parameters.parse(text);
        } catch (SipSyntaxException e) {
            throw new SipSyntaxException("bad Feature-Caps value: " + e.getMessage());
        }
        Map<String, String> m = new LinkedHashMap<>();
        boolean first = true;
        for (Map.Entry<String, String> e : params.entries()) {
            String name = e.getKey();
            if (first && name.equals("*") && e.getValue() == null) {
                first = false;
                continue;
            }
            first = false;
            if (name.equals("+")) throw new SipSyntaxException("empty Feature-Caps indicator name after '+'");
            if (name.charAt(0) != '+') {
                throw new SipSyntaxException("Feature-Caps indicator '" + name + "' must start with '+' (RFC 6809)");
            }
            String key = name.substring(1).toLowerCase(Locale.ROOT);
            if (m.containsKey(key)) throw new SipSyntaxException("Feature-Caps indicator +" + key + " appears twice");
            m.put(key, e.getValue() == null ? "" : Lexer.unquote(e.getValue()));
        }
        return new FeatureCaps(m);
    }

    /** Parses a Feature-Caps header value that may hold several comma-separated fc-values. */
    public static List<FeatureCaps> parseHeader(String headerValue) {
        List<FeatureCaps> out = new ArrayList<>(2);
        for (String part : Lexer.splitList(headerValue)) out.add(parse(part));
        return out;
    }

    /**
     * True when any of the Feature-Caps header values carries {@code sip.pns} — on a REGISTER
     * request, another proxy on the way already handles pushes (RFC 8599 §5.6.1.1). Malformed
     * values count as carrying none.
     */
    public static boolean anyAdvertisesPns(List<String> headerValues) {
        for (String v : headerValues) {
            try {
                for (FeatureCaps fc : parseHeader(v)) {
                    if (fc.advertisesPns()) return true;
                }
            } catch (SipSyntaxException ignored) {
                // not ours to reject: an unreadable Feature-Caps advertises nothing we can use
            }
        }
        return false;
    }

    /** Every indicator, lower-case name without {@code +} to unquoted value ({@code ""} when valueless), in order. */
    public Map<String, String> indicators() {
        return indicators;
    }

    public boolean has(String indicator) {
        return indicators.containsKey(indicator.toLowerCase(Locale.ROOT));
    }

    public Optional<String> value(String indicator) {
        return Optional.ofNullable(indicators.get(indicator.toLowerCase(Locale.ROOT)));
    }

    /** True when this value has {@code +sip.pns}. */
    public boolean advertisesPns() {
        return indicators.containsKey(PNS);
    }

    /** The {@code sip.pns} provider, lower-case. */
    public Optional<String> pns() {
        return value(PNS).filter(v -> !v.isEmpty()).map(v -> v.toLowerCase(Locale.ROOT));
    }

    /** The {@code sip.pnsreg} seconds; empty when absent or not a number (never read from {@code sip.pnsreq}). */
    public OptionalLong pnsreg() {
        String v = indicators.get(PNSREG);
        if (v == null || v.isEmpty() || v.length() > 18) return OptionalLong.empty();
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(v));
    }

    public Optional<String> purr() {
        return value(PNSPURR);
    }

    public Optional<String> vapid() {
        return value(VAPID);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureCaps f && indicators.equals(f.indicators);
    }

    @Override
    public int hashCode() {
        return indicators.hashCode();
    }

    // RFC 3840 tag-value / token-nobang characters, which is what §8 makes pns and pnspurr
    private static String checkTagValue(String what, String value) {
        if (value == null || value.isEmpty()) throw new IllegalArgumentException(what + " must not be empty");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(Lexer.isTokenChar(c) && c != '!')) throw new IllegalArgumentException(what + " has a character not allowed in a feature-capability value: '" + value + "'");
        }
        return value;
    }

    private static String checkQuotable(String what, String value) {
        if (value == null || value.isEmpty()) throw new IllegalArgumentException(what + " must not be empty");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '"' || c == '\\') throw new IllegalArgumentException(what + " has a character not allowed inside quotes");
        }
        return value;
    }
}

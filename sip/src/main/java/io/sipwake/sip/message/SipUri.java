package io.sipwake.sip.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A {@code sip:} or {@code sips:} URI (RFC 3261 §19.1). Immutable; the {@code with*} methods
 * return modified copies. The user part and header part are kept as written (still escaped);
 * {@link #userUnescaped()} decodes the user part.
 */
public final class SipUri implements Uri {
    private final boolean secure;
    private final String user;      // escaped, may contain ';' (RFC 4475 semiuri), null when absent
    private final String password;  // null when absent
    private final String host;      // lower-cased; IPv6 references keep their brackets
    private final int port;         // -1 when absent
    private final Parameters params;
    private final String headers;   // text after '?', escaped, null when absent
    private String text;            // cached serialisation

    private SipUri(boolean secure, String user, String password, String host, int port, Parameters params, String headers) {
        this.secure = secure;
        this.user = user;
        this.password = password;
        this.host = host;
        this.port = port;
        this.params = params;
        this.headers = headers;
    }

    public static SipUri of(String user, String host, int port) {
        return new SipUri(false, user, null, host.toLowerCase(Locale.ROOT), port, Parameters.empty(), null);
    }

    public static SipUri parse(String text) {
        int colon = text.indexOf(':');
        boolean secure;
        if (colon == 3 && text.regionMatches(true, 0, "sip", 0, 3)) {
            secure = false;
        } else if (colon == 4 && text.regionMatches(true, 0, "sips", 0, 4)) {
            secure = true;
        } else {
            throw new SipSyntaxException("not a sip or sips URI: '" + Lexer.excerpt(text, 0) + "'");
        }
        int n = text.length();
        // The user part may contain '?' and ';' (RFC 3261 user-unreserved) but never an unescaped '@',
        // and neither may host, parameters or headers: so the last '@' ends the userinfo.
        int at = text.lastIndexOf('@');
        if (at < colon) at = -1;
        int q = text.indexOf('?', Math.max(at, colon) + 1);
        int endOfMain = q < 0 ? n : q;
        String user = null;
        String password = null;
        int hostStart = colon + 1;
        if (at >= 0) {
            String userinfo = text.substring(colon + 1, at);
            // The password follows the first ':' that is not inside the user part's escapes.
            int pw = userinfo.indexOf(':');
            user = pw < 0 ? userinfo : userinfo.substring(0, pw);
            password = pw < 0 ? null : userinfo.substring(pw + 1);
            checkUserChars(user, text);
            if (password != null) checkUserChars(password, text);
            if (user.isEmpty()) throw new SipSyntaxException("empty user part in '" + Lexer.excerpt(text, 0) + "'");
            hostStart = at + 1;
        }
        int i = hostStart;
        String host;
        if (i < endOfMain && text.charAt(i) == '[') {
            int close = text.indexOf(']', i);
            if (close < 0 || close > endOfMain) throw new SipSyntaxException("unterminated IPv6 reference in URI");
            host = text.substring(i, close + 1);
            checkIpv6(host.substring(1, host.length() - 1));
            i = close + 1;
        } else {
            int start = i;
            while (i < endOfMain && text.charAt(i) != ':' && text.charAt(i) != ';') i++;
            host = text.substring(start, i);
            checkHostname(host);
        }
        int port = -1;
        if (i < endOfMain && text.charAt(i) == ':') {
            int start = ++i;
            while (i < endOfMain && text.charAt(i) != ';') i++;
            port = parsePort(text.substring(start, i));
        }
        Parameters params = Parameters.empty();
        if (i < endOfMain) {
            if (text.charAt(i) != ';') throw new SipSyntaxException("unexpected '" + text.charAt(i) + "' in URI host part");
            params = Parameters.parse(text, i, endOfMain, false);
        }
        String headers = null;
        if (q >= 0) {
            headers = text.substring(q + 1);
            checkUserChars(headers, text);
        }
        return new SipUri(secure, user, password, host.toLowerCase(Locale.ROOT), port, params, headers);
    }

    private static void checkUserChars(String s, String uri) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 127 || c == '<' || c == '>' || c == '"' || c == '@' || c == '[' || c == ']'
                    || c == '{' || c == '}' || c == '|' || c == '\\' || c == '^' || c == '`') {
                throw new SipSyntaxException("illegal character in URI '" + Lexer.excerpt(uri, 0) + "'");
            }
            if (c == '%' && (i + 2 >= s.length() || hex(s.charAt(i + 1)) < 0 || hex(s.charAt(i + 2)) < 0)) {
                throw new SipSyntaxException("bad escape in URI '" + Lexer.excerpt(uri, 0) + "'");
            }
        }
    }

    private static void checkHostname(String host) {
        if (host.isEmpty()) throw new SipSyntaxException("URI without host");
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_';
            if (!ok) throw new SipSyntaxException("illegal character '" + printable(c) + "' in host '" + Lexer.excerpt(host, 0) + "'");
        }
    }

    static void checkIpv6(String addr) {
        int colons = 0;
        for (int i = 0; i < addr.length(); i++) {
            char c = addr.charAt(i);
            if (c == ':') colons++;
            else if (!(hex(c) >= 0 || c == '.')) throw new SipSyntaxException("bad IPv6 reference [" + addr + "]");
        }
        if (colons < 2) throw new SipSyntaxException("bad IPv6 reference [" + addr + "]");
    }

    static int parsePort(String s) {
        if (s.isEmpty() || s.length() > 5) throw new SipSyntaxException("bad port '" + s + "'");
        int port = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') throw new SipSyntaxException("bad port '" + s + "'");
            port = port * 10 + (c - '0');
        }
        if (port > 65535) throw new SipSyntaxException("port out of range: " + s);
        return port;
    }

    private static String printable(char c) {
        return c < ' ' || c > '~' ? String.format("\\x%02x", (int) c) : String.valueOf(c);
    }

    static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    /** Decodes %HEX escapes (RFC 3261 §19.1.2); bytes are read as UTF-8. */
    public static String unescape(String s) {
        if (s == null || s.indexOf('%') < 0) return s;
        byte[] out = new byte[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out[n++] = (byte) (hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else {
                out[n++] = (byte) c;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * Decodes %HEX escapes to the octets they stand for, one char per octet, for comparisons: unlike
     * {@link #unescape}, two different octet sequences that are not UTF-8 never compare equal.
     */
    private static String octets(String s) {
        if (s == null || s.indexOf('%') < 0) return s;
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                sb.append((char) (hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2))));
                i += 2;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    @Override
    public String scheme() {
        return secure ? "sips" : "sip";
    }

    public boolean isSecure() {
        return secure;
    }

    public String user() {
        return user;
    }

    public String userUnescaped() {
        return unescape(user);
    }

    public String password() {
        return password;
    }

    public String host() {
        return host;
    }

    /** The explicit port, or -1. */
    public int port() {
        return port;
    }

    /** The explicit port, or the default for the scheme and transport (5060, or 5061 for TLS/sips). */
    public int portOrDefault() {
        if (port >= 0) return port;
        String t = transportParam();
        return secure || "tls".equals(t) ? 5061 : 5060;
    }

    public Parameters params() {
        return params;
    }

    public String param(String name) {
        return params.get(name);
    }

    public boolean hasParam(String name) {
        return params.has(name);
    }

    /** Lower-cased {@code transport} parameter, or null. */
    public String transportParam() {
        String t = params.get("transport");
        return t == null ? null : t.toLowerCase(Locale.ROOT);
    }

    /** True when the URI carries {@code ;lr}: the element it names is a loose router (RFC 3261 §16.12). */
    public boolean isLooseRouter() {
        return params.has("lr");
    }

    public String headers() {
        return headers;
    }

    public SipUri withUser(String newUser) {
        return new SipUri(secure, newUser, password, host, port, params, headers);
    }

    public SipUri withHostPort(String newHost, int newPort) {
        return new SipUri(secure, user, password, newHost.toLowerCase(Locale.ROOT), newPort, params, headers);
    }

    public SipUri withParam(String name, String value) {
        return new SipUri(secure, user, password, host, port, params.with(name, value), headers);
    }

    public SipUri withoutParam(String name) {
        Parameters p = params.without(name);
        return p == params ? this : new SipUri(secure, user, password, host, port, p, headers);
    }

    public SipUri withParams(Parameters newParams) {
        return new SipUri(secure, user, password, host, port, newParams, headers);
    }

    public SipUri withoutHeaders() {
        return headers == null ? this : new SipUri(secure, user, password, host, port, params, null);
    }

    /** The address-of-record form: scheme, user and host only (RFC 3261 §10.3 step 5). */
    public SipUri toAddressOfRecord() {
        return new SipUri(secure, user == null ? null : unescapeUnreserved(user), null, host, -1, Parameters.empty(), null);
    }

    private static String unescapeUnreserved(String s) {
        // Canonical AORs must not depend on how a client chose to escape characters that need no escaping.
        if (s.indexOf('%') < 0) return s;
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                char d = (char) (hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                if (Character.isLetterOrDigit(d) && d < 128 || "-_.!~*'()".indexOf(d) >= 0) {
                    sb.append(d);
                    i += 2;
                    continue;
                }
                sb.append('%').append(Character.toUpperCase(s.charAt(i + 1))).append(Character.toUpperCase(s.charAt(i + 2)));
                i += 2;
                continue;
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /**
     * URI equality of RFC 3261 §19.1.4: user and password compare case-sensitively after unescaping,
     * host case-insensitively, an absent port differs from an explicit one, the {@code user},
     * {@code ttl}, {@code method}, {@code maddr} and {@code transport} parameters must match when
     * present in either URI, other parameters only when present in both, and headers must match.
     */
    private static final String[] SPECIAL_PARAMS = {"user", "ttl", "method", "maddr", "transport"};

    public boolean equivalentTo(SipUri o) {
        if (secure != o.secure || port != o.port || !host.equals(o.host)) return false;
        if (!Objects.equals(octets(user), octets(o.user)) || !Objects.equals(octets(password), octets(o.password))) return false;
        for (String name : SPECIAL_PARAMS) {
            if (params.has(name) != o.params.has(name)) return false;
            String a = params.get(name);
            String b = o.params.get(name);
            if (a == null ? b != null : b == null || !a.equalsIgnoreCase(b)) return false;
        }
        for (String name : params.names()) {
            if (o.params.has(name)) {
                String a = params.get(name);
                String b = o.params.get(name);
                if (a == null ? b != null : b == null || !octets(a).equalsIgnoreCase(octets(b))) return false;
            }
        }
        return headersEquivalent(headers, o.headers);
    }

    /**
     * §19.1.4: every header component must be present in both URIs and match; the order of the
     * components does not matter, names compare case-insensitively and values after unescaping.
     */
    private static boolean headersEquivalent(String a, String b) {
        if (a == null || b == null) return a == b;
        if (a.equals(b)) return true;
        java.util.Map<String, List<String>> ma = headerMap(a);
        java.util.Map<String, List<String>> mb = headerMap(b);
        return ma.equals(mb);
    }

    private static java.util.Map<String, List<String>> headerMap(String headers) {
        java.util.Map<String, List<String>> map = new java.util.HashMap<>();
        for (String part : headers.split("&", -1)) {
            int eq = part.indexOf('=');
            String name = octets(eq < 0 ? part : part.substring(0, eq)).toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : octets(part.substring(eq + 1));
            map.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
        }
        for (List<String> values : map.values()) java.util.Collections.sort(values);
        return map;
    }

    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            StringBuilder sb = new StringBuilder(48).append(secure ? "sips:" : "sip:");
            if (user != null) {
                sb.append(user);
                if (password != null) sb.append(':').append(password);
                sb.append('@');
            }
            sb.append(host);
            if (port >= 0) sb.append(':').append(port);
            params.appendTo(sb);
            if (headers != null) sb.append('?').append(headers);
            text = t = sb.toString();
        }
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SipUri u && toString().equals(u.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}

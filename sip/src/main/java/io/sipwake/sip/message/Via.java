package io.sipwake.sip.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One Via header value (RFC 3261 §20.42, §18.2.2; rport of RFC 3581). Immutable. */
public final class Via {
    /** Branch prefix of RFC 3261 transactions (§8.1.1.7). */
    public static final String MAGIC_COOKIE = "z9hG4bK";

    private final String protocol;  // "SIP/2.0"
    private final String transport; // upper-case, e.g. "UDP", "WSS"
    private final String host;      // lower-cased; IPv6 references keep brackets
    private final int port;         // -1 when absent
    private final Parameters params;

    public Via(String transport, String host, int port, Parameters params) {
        this("SIP/2.0", transport.toUpperCase(Locale.ROOT), host.toLowerCase(Locale.ROOT), port, params);
    }

    private Via(String protocol, String transport, String host, int port, Parameters params) {
        this.protocol = protocol;
        this.transport = transport;
        this.host = host;
        this.port = port;
        this.params = params;
    }

    /** Parses one or several comma-separated Via values. */
    public static List<Via> parseList(String value) {
        List<String> parts = Lexer.splitList(value);
        List<Via> vias = new ArrayList<>(parts.size());
        for (String p : parts) vias.add(parse(p));
        return vias;
    }

    public static Via parse(String text) {
        int n = text.length();
        int i = Lexer.skipLws(text, 0, n);
        String[] proto = new String[3];
        for (int k = 0; k < 3; k++) {
            int start = i;
            while (i < n && Lexer.isTokenChar(text.charAt(i))) i++;
            if (i == start) throw new SipSyntaxException("bad sent-protocol in Via '" + Lexer.excerpt(text, 0) + "'");
            proto[k] = text.substring(start, i);
            i = Lexer.skipLws(text, i, n);
            if (k < 2) {
                if (i >= n || text.charAt(i) != '/') throw new SipSyntaxException("bad sent-protocol in Via '" + Lexer.excerpt(text, 0) + "'");
                i = Lexer.skipLws(text, i + 1, n);
            }
        }
        if (!proto[0].equalsIgnoreCase("SIP")) throw new SipSyntaxException("Via protocol is not SIP");
        String version = proto[1];
        String host;
        if (i < n && text.charAt(i) == '[') {
            int close = text.indexOf(']', i);
            if (close < 0) throw new SipSyntaxException("unterminated IPv6 reference in Via");
            host = text.substring(i, close + 1);
            SipUri.checkIpv6(host.substring(1, host.length() - 1));
            i = close + 1;
        } else {
            int start = i;
            while (i < n && text.charAt(i) != ':' && text.charAt(i) != ';' && !Lexer.isLws(text.charAt(i))) {
                char c = text.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
                if (!ok) throw new SipSyntaxException("illegal character in Via host '" + Lexer.excerpt(text, start) + "'");
                i++;
            }
            host = text.substring(start, i);
            if (host.isEmpty()) throw new SipSyntaxException("Via without sent-by host");
        }
        i = Lexer.skipLws(text, i, n);
        int port = -1;
        if (i < n && text.charAt(i) == ':') {
            i = Lexer.skipLws(text, i + 1, n);
            int start = i;
            while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') i++;
            port = SipUri.parsePort(text.substring(start, i));
        }
        Parameters params = Parameters.parse(text, i, n, true);
        String branch = params.get("branch");
        if (params.has("branch") && (branch == null || branch.isEmpty())) throw new SipSyntaxException("empty Via branch");
        return new Via("SIP/" + version, proto[2].toUpperCase(Locale.ROOT), host.toLowerCase(Locale.ROOT), port, params);
    }

    public String protocol() {
        return protocol;
    }

    public String version() {
        return protocol.substring(4);
    }

    public String transport() {
        return transport;
    }

    public boolean isReliable() {
        return !transport.equals("UDP");
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public Parameters params() {
        return params;
    }

    public String branch() {
        return params.get("branch");
    }

    /** True when the branch starts with the RFC 3261 magic cookie (and has something after it). */
    public boolean hasRfc3261Branch() {
        String b = branch();
        return b != null && b.length() > MAGIC_COOKIE.length() && b.startsWith(MAGIC_COOKIE);
    }

    public String received() {
        return params.get("received");
    }

    /** True when the Via carries {@code rport} (with or without value). */
    public boolean hasRport() {
        return params.has("rport");
    }

    /** The port in {@code rport=N} (RFC 3581), or -1 when absent, valueless or not a port number. */
    public int rport() {
        String v = params.get("rport");
        if (v == null) return -1;
        try {
            return SipUri.parsePort(v);
        } catch (SipSyntaxException e) {
            return -1;
        }
    }

    public String maddr() {
        return params.get("maddr");
    }

    public Via withParam(String name, String value) {
        return new Via(protocol, transport, host, port, params.with(name, value));
    }

    public Via withoutParam(String name) {
        return new Via(protocol, transport, host, port, params.without(name));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(64).append(protocol).append('/').append(transport).append(' ').append(host);
        if (port >= 0) sb.append(':').append(port);
        params.appendTo(sb);
        return sb.toString();
    }
}

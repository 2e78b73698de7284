package io.sipwake.sip.message;

/**
 * The value of From, To, Contact, Route, Record-Route, Path and similar headers: an optional
 * display name, a URI and header parameters (RFC 3261 §20.10, §25.1 name-addr / addr-spec).
 * Immutable.
 */
public final class NameAddress {
    private final String displayName; // as written (quoted string or tokens), null when absent
    private final Uri uri;
    private final Parameters params;

    public NameAddress(String displayName, Uri uri, Parameters params) {
        this.displayName = displayName;
        this.uri = uri;
        this.params = params == null ? Parameters.empty() : params;
    }

    public static NameAddress of(Uri uri) {
        return new NameAddress(null, uri, Parameters.empty());
    }

    /** Parses one name-addr or addr-spec with its header parameters. */
    public static NameAddress parse(String text) {
        int n = text.length();
        int i = Lexer.skipLws(text, 0, n);
        String display = null;
        int lt;
        if (i < n && text.charAt(i) == '"') {
            int close = Lexer.endOfQuotedString(text, i, n);
            display = text.substring(i, close);
            i = Lexer.skipLws(text, close, n);
            if (i >= n || text.charAt(i) != '<') throw new SipSyntaxException("expected '<' after display name");
            lt = i;
        } else {
            lt = text.indexOf('<', i);
            int semi = text.indexOf(';', i);
            if (lt >= 0 && (semi < 0 || lt < semi || isBeforeAngle(text, i, lt))) {
                String tokens = text.substring(i, lt).trim();
                if (!tokens.isEmpty()) {
                    checkDisplayTokens(tokens);
                    display = tokens;
                }
            } else {
                lt = -1;
            }
        }
        Uri uri;
        int paramsStart;
        if (lt >= 0) {
            int gt = text.indexOf('>', lt);
            if (gt < 0) throw new SipSyntaxException("missing '>' in '" + Lexer.excerpt(text, 0) + "'");
            String inner = text.substring(lt + 1, gt);
            if (inner.isEmpty() || Lexer.isLws(inner.charAt(0)) || Lexer.isLws(inner.charAt(inner.length() - 1))) {
                throw new SipSyntaxException("white space inside <> in '" + Lexer.excerpt(text, 0) + "'");
            }
            uri = Uri.parse(inner);
            paramsStart = gt + 1;
        } else {
            // addr-spec: the URI cannot contain ';', ',' or '?' unescaped, so its params belong to the header
            int end = i;
            while (end < n && text.charAt(end) != ';' && !Lexer.isLws(text.charAt(end))) end++;
            String spec = text.substring(i, end);
            if (spec.indexOf('?') >= 0) throw new SipSyntaxException("URI with headers must be enclosed in <>");
            uri = Uri.parse(spec);
            paramsStart = end;
        }
        Parameters params = Parameters.parse(text, paramsStart, n, true);
        return new NameAddress(display, uri, params);
    }

    private static boolean isBeforeAngle(String text, int from, int lt) {
        // "a;b <sip:x>" is not legal, but a quoted/tokens display name never contains ';'
        return text.substring(from, lt).indexOf(';') < 0;
    }

    private static void checkDisplayTokens(String tokens) {
        for (int k = 0; k < tokens.length(); k++) {
            char c = tokens.charAt(k);
            if (!(Lexer.isTokenChar(c) || Lexer.isLws(c))) {
                throw new SipSyntaxException("display name '" + Lexer.excerpt(tokens, 0) + "' must be quoted");
            }
        }
    }

    /** The display name as written (with quotes if it was quoted), or null. */
    public String displayName() {
        return displayName;
    }

    /** The display name without quotes, or null. */
    public String displayNameUnquoted() {
        return displayName == null ? null : Lexer.unquote(displayName);
    }

    public Uri uri() {
        return uri;
    }

    /** The URI as a {@link SipUri}, or null when it is of another scheme. */
    public SipUri sipUri() {
        return uri instanceof SipUri s ? s : null;
    }

    public Parameters params() {
        return params;
    }

    public String param(String name) {
        return params.get(name);
    }

    public String tag() {
        return params.get("tag");
    }

    public NameAddress withUri(Uri newUri) {
        return new NameAddress(displayName, newUri, params);
    }

    public NameAddress withParam(String name, String value) {
        return new NameAddress(displayName, uri, params.with(name, value));
    }

    public NameAddress withoutParam(String name) {
        return new NameAddress(displayName, uri, params.without(name));
    }

    public NameAddress withParams(Parameters newParams) {
        return new NameAddress(displayName, uri, newParams);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(64);
        if (displayName != null) sb.append(displayName).append(' ');
        sb.append('<').append(uri).append('>');
        params.appendTo(sb);
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NameAddress a && toString().equals(a.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}

package io.sipwake.sip.message;

/** A URI of a scheme sipwake does not interpret (RFC 3261 absoluteURI), kept as written. */
public record AbsoluteUri(String scheme, String text) implements Uri {

    static AbsoluteUri parse(String scheme, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c == '<' || c == '>' || c == '"' || c >= 127) {
                throw new SipSyntaxException("illegal character in URI '" + Lexer.excerpt(text, 0) + "'");
            }
        }
        if (text.length() == scheme.length() + 1) throw new SipSyntaxException("empty " + scheme + " URI");
        return new AbsoluteUri(scheme, text);
    }

    @Override
    public String toString() {
        return text;
    }
}

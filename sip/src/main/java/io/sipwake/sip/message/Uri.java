package io.sipwake.sip.message;

import java.util.Locale;

/** A URI in a SIP message: {@code sip:}/{@code sips:} ({@link SipUri}), {@code tel:} ({@link TelUri}) or any other absolute URI. */
public sealed interface Uri permits SipUri, TelUri, AbsoluteUri {

    /** Lower-case scheme, e.g. {@code "sip"}. */
    String scheme();

    /**
     * Parses a URI as it appears in a Request-URI or between angle brackets. Throws
     * {@link SipSyntaxException} naming the problem when the text is not a URI.
     */
    static Uri parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) throw new SipSyntaxException("URI without scheme: '" + Lexer.excerpt(text, 0) + "'");
        String scheme = text.substring(0, colon);
        for (int i = 0; i < scheme.length(); i++) {
            char c = scheme.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
            if (!ok) throw new SipSyntaxException("bad URI scheme '" + Lexer.excerpt(scheme, 0) + "'");
        }
        if (colon == 3 && scheme.equalsIgnoreCase("sip") || colon == 4 && scheme.equalsIgnoreCase("sips")) return SipUri.parse(text);
        if (colon == 3 && scheme.equalsIgnoreCase("tel")) return TelUri.parse(text);
        return AbsoluteUri.parse(scheme.toLowerCase(Locale.ROOT), text);
    }
}

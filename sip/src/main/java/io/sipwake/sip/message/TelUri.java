package io.sipwake.sip.message;

/** A {@code tel:} URI (RFC 3966): a telephone number and its parameters. */
public record TelUri(String number, Parameters params) implements Uri {

    static TelUri parse(String text) {
        String rest = text.substring(4);
        int semi = rest.indexOf(';');
        String number = semi < 0 ? rest : rest.substring(0, semi);
        if (number.isEmpty()) throw new SipSyntaxException("tel URI without a number");
        for (int i = 0; i < number.length(); i++) {
            char c = number.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f')
                    || c == '+' || c == '-' || c == '.' || c == '(' || c == ')' || c == '*' || c == '#';
            if (!ok) throw new SipSyntaxException("bad character '" + c + "' in tel number");
        }
        Parameters params = semi < 0 ? Parameters.empty() : Parameters.parse(rest, semi, rest.length(), false);
        return new TelUri(number, params);
    }

    /** True for a global number ({@code +} followed by digits). */
    public boolean isGlobal() {
        return number.startsWith("+");
    }

    @Override
    public String scheme() {
        return "tel";
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("tel:").append(number);
        params.appendTo(sb);
        return sb.toString();
    }
}

package io.sipwake.sip.message;

/** The CSeq header (RFC 3261 §20.16): a sequence number below 2**31 and a method. */
public record CSeq(long number, String method) {
    public static final long MAX = (1L << 31) - 1;

    public static CSeq parse(String value) {
        String v = value.trim();
        int sp = 0;
        while (sp < v.length() && v.charAt(sp) >= '0' && v.charAt(sp) <= '9') sp++;
        if (sp == 0 || sp > 10) throw new SipSyntaxException("bad CSeq number in '" + Lexer.excerpt(v, 0) + "'");
        long number = Long.parseLong(v.substring(0, sp));
        if (number > MAX) throw new SipSyntaxException("CSeq number " + v.substring(0, sp) + " is above 2**31-1");
        int m = Lexer.skipLws(v, sp, v.length());
        if (m == sp) throw new SipSyntaxException("bad CSeq '" + Lexer.excerpt(v, 0) + "'");
        String method = v.substring(m);
        if (!Lexer.isToken(method)) throw new SipSyntaxException("bad CSeq method '" + Lexer.excerpt(method, 0) + "'");
        return new CSeq(number, method);
    }

    @Override
    public String toString() {
        return number + " " + method;
    }
}

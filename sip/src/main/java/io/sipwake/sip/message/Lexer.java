package io.sipwake.sip.message;

import java.util.ArrayList;
import java.util.List;

/** Character classes and small scanners of the RFC 3261 §25 grammar, shared by the parsers. */
public final class Lexer {
    private static final boolean[] TOKEN = new boolean[128];
    private static final boolean[] PARAM = new boolean[128];
    private static final boolean[] PARAM_VALUE = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) mark(c);
        for (char c = 'a'; c <= 'z'; c++) mark(c);
        for (char c = 'A'; c <= 'Z'; c++) mark(c);
        for (char c : "-.!%*_+`'~".toCharArray()) TOKEN[c] = true;
        // uri-parameter names and values: unreserved / escaped / param-unreserved "[]/:&+$"
        for (char c : "-_.!~*'()%[]/:&+$".toCharArray()) PARAM[c] = true;
        for (int c = 0; c < 128; c++) PARAM_VALUE[c] = PARAM[c] || TOKEN[c];
        // generic-param values are tokens or hosts; tokens include '`' and '%'; hosts ':' '[' ']'
    }

    private Lexer() {}

    private static void mark(char c) {
        TOKEN[c] = true;
        PARAM[c] = true;
    }

    public static boolean isTokenChar(char c) {
        return c < 128 && TOKEN[c];
    }

    static boolean isParamChar(char c) {
        return c < 128 && (PARAM[c] || TOKEN[c]);
    }

    static boolean isParamValueChar(char c) {
        return c < 128 && PARAM_VALUE[c];
    }

    public static boolean isToken(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) return false;
        }
        return true;
    }

    static boolean isLws(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    static int skipLws(String s, int i, int end) {
        while (i < end && isLws(s.charAt(i))) i++;
        return i;
    }

    /** Index just past the closing quote of the quoted-string starting at {@code start}. */
    static int endOfQuotedString(String s, int start, int end) {
        int i = start + 1;
        while (i < end) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i + 1;
            } else {
                i++;
            }
        }
        throw new SipSyntaxException("unterminated quoted string");
    }

    /** Removes surrounding quotes and backslash escapes; returns other text unchanged. */
    public static String unquote(String v) {
        if (v.length() < 2 || v.charAt(0) != '"' || v.charAt(v.length() - 1) != '"') return v;
        StringBuilder sb = new StringBuilder(v.length());
        for (int i = 1; i < v.length() - 1; i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length() - 1) c = v.charAt(++i);
            sb.append(c);
        }
        return sb.toString();
    }

    /** Quotes {@code s} as a quoted-string, escaping '"' and '\'. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') sb.append('\\');
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    /**
     * Splits a header value at the commas that separate list elements (RFC 3261 §7.3.1), ignoring
     * commas inside quoted strings and inside {@code <...>}.
     */
    public static List<String> splitList(String value) {
        List<String> parts = new ArrayList<>(2);
        if (isBlank(value)) return parts; // e.g. "Accept:" or "Supported:" with no values (RFC 3261 §20.1, §20.37)
        int n = value.length();
        int start = 0;
        while (true) {
            int end = endOfListElement(value, start);
            addTrimmed(parts, value, start, end);
            if (end >= n) return parts;
            start = end + 1;
        }
    }

    /** Index of the comma ending the first element of a list header value, or its length when there is one element. */
    static int endOfFirstListElement(String value) {
        return endOfListElement(value, 0);
    }

    /** Index of the comma ending the list element that starts at {@code from} (commas in quotes or {@code <...>} do not count), or the length. */
    private static int endOfListElement(String value, int from) {
        int depth = 0;
        int n = value.length();
        for (int i = from; i < n; i++) {
            char c = value.charAt(i);
            if (c == '"') {
                i = endOfQuotedString(value, i, n) - 1;
            } else if (c == '<') {
                depth++;
            } else if (c == '>') {
                if (depth > 0) depth--;
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return n;
    }

    private static boolean isBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isLws(s.charAt(i))) return false;
        }
        return true;
    }

    private static void addTrimmed(List<String> parts, String value, int start, int end) {
        while (start < end && isLws(value.charAt(start))) start++;
        while (end > start && isLws(value.charAt(end - 1))) end--;
        if (end > start) {
            parts.add(value.substring(start, end));
        } else {
            throw new SipSyntaxException("empty element in list '" + excerpt(value, 0) + "'");
        }
    }

    static String excerpt(String s, int from) {
        String e = s.substring(Math.min(from, s.length()));
        return e.length() > 40 ? e.substring(0, 40) + "..." : e;
    }
}

package io.sipwake.proxy.auth;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Parser for one {@code scheme auth-param *("," auth-param)} header value (RFC 3261 §25.1,
 * RFC 7235 §2.1) and the matching quoting helper.
 *
 * <p>Tolerant where real clients vary: linear white space (including folded CRLF) anywhere between
 * elements, empty list elements, case-insensitive scheme and parameter names, and any parameter
 * either quoted or unquoted. Strict where leniency would be dangerous: a parameter may appear only
 * once (two parsers disagreeing on which duplicate wins is a classic auth bypass), and anything that
 * is not a well-formed parameter list is rejected.
 */
final class AuthParams {

    private AuthParams() {}

    /**
     * Parses {@code value}, which must use {@code scheme}.
     *
     * @return parameter names in lower case mapped to their (unescaped) values, in header order
     * @throws IllegalArgumentException if the value is malformed or uses another scheme
     */
    static Map<String, String> parse(String value, String scheme) {
        if (value == null) {
            throw new IllegalArgumentException("missing header value");
        }
        int n = value.length();
        int i = skipLws(value, 0);
        int schemeStart = i;
        while (i < n && isTokenChar(value.charAt(i))) {
            i++;
        }
        String actual = value.substring(schemeStart, i);
        if (!actual.equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("not a " + scheme + " header value (scheme '" + actual + "')");
        }
        if (i < n && !isLws(value.charAt(i))) {
            throw new IllegalArgumentException("malformed authentication scheme");
        }
        Map<String, String> params = new LinkedHashMap<>();
        i = skipSeparators(value, i);
        while (i < n) {
            int nameStart = i;
            while (i < n && isTokenChar(value.charAt(i))) {
                i++;
            }
            if (i == nameStart) {
                throw new IllegalArgumentException("expected a parameter name at offset " + i);
            }
            String name = value.substring(nameStart, i).toLowerCase(Locale.ROOT);
            i = skipLws(value, i);
            if (i >= n || value.charAt(i) != '=') {
                throw new IllegalArgumentException("expected '=' after parameter " + name);
            }
            i = skipLws(value, i + 1);
            String paramValue;
            if (i < n && value.charAt(i) == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("unterminated quoted string in parameter " + name);
                    }
                    char c = value.charAt(i++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') { // quoted-pair: the next character stands for itself
                        if (i >= n) {
                            throw new IllegalArgumentException("unterminated quoted string in parameter " + name);
                        }
                        c = value.charAt(i++);
                    }
                    sb.append(c);
                }
                paramValue = sb.toString();
            } else {
                int valueStart = i;
                while (i < n && !isLws(value.charAt(i)) && value.charAt(i) != ',' && value.charAt(i) != '"') {
                    i++;
                }
                if (i == valueStart) {
                    throw new IllegalArgumentException("empty value for parameter " + name);
                }
                paramValue = value.substring(valueStart, i);
            }
            if (params.putIfAbsent(name, paramValue) != null) {
                throw new IllegalArgumentException("duplicate parameter " + name);
            }
            i = skipLws(value, i);
            if (i < n && value.charAt(i) != ',') {
                throw new IllegalArgumentException("expected ',' after parameter " + name);
            }
            i = skipSeparators(value, i);
        }
        if (params.isEmpty()) {
            throw new IllegalArgumentException("no parameters after scheme " + scheme);
        }
        return params;
    }

    /** {@code s} as a quoted-string: surrounding quotes, with '"' and '\' escaped. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    private static int skipLws(String s, int i) {
        while (i < s.length() && isLws(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int skipSeparators(String s, int i) {
        while (i < s.length() && (isLws(s.charAt(i)) || s.charAt(i) == ',')) {
            i++;
        }
        return i;
    }

    private static boolean isLws(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** RFC 7230 tchar, a superset of RFC 3261 token characters. */
    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}

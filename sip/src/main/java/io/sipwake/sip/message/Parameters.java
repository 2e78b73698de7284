package io.sipwake.sip.message;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An ordered list of {@code ;name[=value]} parameters as they appear on URIs and header values
 * (RFC 3261 §19.1.1, §20). Names compare case-insensitively; a value of {@code null} is a flag
 * parameter such as {@code ;lr}. Values are kept exactly as written (quoted strings keep their
 * quotes) so that a message re-serialises without change; {@link #unquoted(String)} gives the
 * plain value.
 *
 * <p>Not thread-safe: a message and its parts belong to one thread at a time.
 */
public final class Parameters {
    private static final Parameters EMPTY = new Parameters(Collections.emptyList());

    private final List<String[]> entries;

    private Parameters(List<String[]> entries) {
        this.entries = entries;
    }

    public static Parameters empty() {
        return EMPTY;
    }

    public static Parameters of(String... namesAndValues) {
        Parameters p = new Parameters(new ArrayList<>());
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            p.entries.add(new String[] {namesAndValues[i], namesAndValues[i + 1]});
        }
        return p;
    }

    /** Parses text such as {@code ;a=1;b;c="x;y"}; a leading ';' is optional. */
    public static Parameters parse(String text) {
        return parse(text, 0, text.length(), true, true);
    }

    /**
     * Parses parameters in {@code text[start, end)}. When {@code allowLws} is true, linear white
     * space around ';' and '=' is skipped and values may be quoted strings (header parameters,
     * RFC 3261 §25.1); URI parameters allow neither. Every parameter, the first included, must be
     * introduced by ';'.
     */
    static Parameters parse(String text, int start, int end, boolean allowLws) {
        return parse(text, start, end, allowLws, false);
    }

    private static Parameters parse(String text, int start, int end, boolean allowLws, boolean firstSemicolonOptional) {
        List<String[]> list = new ArrayList<>(4);
        int i = start;
        while (i < end) {
            if (allowLws) i = Lexer.skipLws(text, i, end);
            if (i >= end) break;
            if (text.charAt(i) == ';') {
                i++;
                if (allowLws) i = Lexer.skipLws(text, i, end);
            } else if (!list.isEmpty() || !firstSemicolonOptional) {
                throw new SipSyntaxException("expected ';' before parameter at '" + Lexer.excerpt(text, i) + "'");
            }
            int nameStart = i;
            while (i < end && Lexer.isParamChar(text.charAt(i))) i++;
            if (i == nameStart) {
                throw new SipSyntaxException("empty parameter name in '" + Lexer.excerpt(text, start) + "'");
            }
            String name = text.substring(nameStart, i);
            int afterName = i;
            if (allowLws) i = Lexer.skipLws(text, i, end);
            String value = null;
            if (i < end && text.charAt(i) == '=') {
                i++;
                if (allowLws) i = Lexer.skipLws(text, i, end);
                if (allowLws && i < end && text.charAt(i) == '"') {
                    int close = Lexer.endOfQuotedString(text, i, end);
                    value = text.substring(i, close);
                    i = close;
                } else if (i < end && text.charAt(i) == '[') {
                    // RFC 5118 §4.5: tolerate an IPv6 reference in received=
                    int close = text.indexOf(']', i);
                    if (close < 0 || close >= end) throw new SipSyntaxException("unterminated '[' in parameter " + name);
                    value = text.substring(i, close + 1);
                    i = close + 1;
                } else {
                    int valueStart = i;
                    while (i < end && Lexer.isParamValueChar(text.charAt(i))) i++;
                    if (i == valueStart) throw new SipSyntaxException("empty value for parameter " + name);
                    value = text.substring(valueStart, i);
                }
            } else {
                i = afterName;
            }
            list.add(new String[] {name, value});
            if (allowLws) i = Lexer.skipLws(text, i, end);
            if (i < end && text.charAt(i) != ';') {
                throw new SipSyntaxException("unexpected '" + text.charAt(i) + "' after parameter " + name);
            }
        }
        return list.isEmpty() ? EMPTY : new Parameters(list);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    public boolean has(String name) {
        return find(name) != null;
    }

    /** The value as written, {@code null} when absent or valueless. */
    public String get(String name) {
        String[] e = find(name);
        return e == null ? null : e[1];
    }

    /** The value with surrounding quotes and escapes removed. */
    public String unquoted(String name) {
        String v = get(name);
        return v == null ? null : Lexer.unquote(v);
    }

    /** Returns a copy with {@code name} set (replacing an existing value in place). */
    public Parameters with(String name, String value) {
        List<String[]> copy = copyEntries();
        for (String[] e : copy) {
            if (e[0].equalsIgnoreCase(name)) {
                e[1] = value;
                return new Parameters(copy);
            }
        }
        copy.add(new String[] {name, value});
        return new Parameters(copy);
    }

    /** Returns a copy without {@code name}. */
    public Parameters without(String name) {
        if (!has(name)) return this;
        List<String[]> copy = copyEntries();
        copy.removeIf(e -> e[0].equalsIgnoreCase(name));
        return copy.isEmpty() ? EMPTY : new Parameters(copy);
    }

    /** Returns a copy without every parameter whose lower-cased name starts with {@code prefix}. */
    public Parameters withoutPrefix(String prefix) {
        List<String[]> copy = copyEntries();
        copy.removeIf(e -> e[0].toLowerCase(Locale.ROOT).startsWith(prefix));
        return copy.size() == entries.size() ? this : new Parameters(copy);
    }

    public List<String> names() {
        List<String> names = new ArrayList<>(entries.size());
        for (String[] e : entries) names.add(e[0]);
        return names;
    }

    /** Name (as written) to value, in order. */
    public List<Map.Entry<String, String>> entries() {
        List<Map.Entry<String, String>> list = new ArrayList<>(entries.size());
        for (String[] e : entries) list.add(new java.util.AbstractMap.SimpleImmutableEntry<>(e[0], e[1]));
        return list;
    }

    void appendTo(StringBuilder sb) {
        for (String[] e : entries) {
            sb.append(';').append(e[0]);
            if (e[1] != null) sb.append('=').append(e[1]);
        }
    }

    private String[] find(String name) {
        for (String[] e : entries) {
            if (e[0].equalsIgnoreCase(name)) return e;
        }
        return null;
    }

    private List<String[]> copyEntries() {
        List<String[]> copy = new ArrayList<>(entries.size() + 1);
        for (String[] e : entries) copy.add(new String[] {e[0], e[1]});
        return copy;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        appendTo(sb);
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Parameters p && toString().equalsIgnoreCase(p.toString());
    }

    @Override
    public int hashCode() {
        return toString().toLowerCase(Locale.ROOT).hashCode();
    }
}

package io.sipwake.push;

/** Keeps push tokens out of logs. */
public final class Tokens {
    private Tokens() {}

    /** {@code abcd…wxyz} for long tokens, {@code …} for short ones, {@code null} for null. */
    public static String redact(String token) {
        if (token == null) return null;
        if (token.length() <= 12) return "…";
        return token.substring(0, 4) + "…" + token.substring(token.length() - 4);
    }
}

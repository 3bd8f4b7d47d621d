package io.statelock.testing;

/**
 * Asserts that a text (an answer, a log, an audit record) holds no part of a secret: a token, a lease id, a
 * password. Plain JDK, so every module's tests can take it.
 */
public final class Secrets {
    /** The shortest run of a secret's characters that counts as a part of it. */
    public static final int PART = 8;

    private Secrets() {}

    /**
     * Neither the whole {@code secret} nor any {@value #PART} characters of one of its dot-separated parts (a JWT's
     * header, claims and signature each); {@code where} names the text in the failure, which shows the match.
     */
    public static void assertNoPartOf(String where, String text, String secret) {
        if (text.contains(secret))
            throw new AssertionError(where + " holds a whole secret: " + excerpt(text, text.indexOf(secret)));
        for (String part : secret.split("\\.")) {
            for (int i = 0; i + PART <= part.length(); i++) {
                String piece = part.substring(i, i + PART);
                int at = text.indexOf(piece);
                if (at >= 0) throw new AssertionError(where + " holds " + piece + " of a secret: " + excerpt(text, at));
            }
        }
    }

    private static String excerpt(String text, int at) {
        return "..." + text.substring(Math.max(0, at - 80), Math.min(text.length(), at + 80)) + "...";
    }
}

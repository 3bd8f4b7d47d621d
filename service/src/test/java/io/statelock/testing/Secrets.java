package io.statelock.testing;

import static org.assertj.core.api.Assertions.assertThat;

/** Asserts that a text (an answer, a log, an audit record) holds no part of a secret: a token, a lease id, a password. */
public final class Secrets {
    /** The shortest run of a secret's characters that counts as a part of it. */
    public static final int PART = 8;

    private Secrets() {
    }

    /** Neither the whole {@code secret} nor any {@value #PART} characters of one of its dot-separated parts. */
    public static void assertNoPartOf(String text, String secret) {
        assertThat(text).as("holds the secret").doesNotContain(secret);
        for (String part : secret.split("\\.")) {
            for (int i = 0; i + PART <= part.length(); i++) {
                String piece = part.substring(i, i + PART);
                assertThat(text).as("holds %s of the secret (at %d)", piece, i).doesNotContain(piece);
            }
        }
    }
}

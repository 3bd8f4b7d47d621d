package io.statelock.it;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** Asserts that a text (an answer, a log, an audit record) holds no part of a secret: a token, a lease id, a password. */
final class Secrets {
  /** The shortest run of a secret's characters that counts as a part of it. */
  static final int PART = 8;

  private Secrets() {
  }

  /** Neither the whole {@code secret} nor any {@value #PART} characters of one of its dot-separated parts. */
  static void assertNoPartOf(String where, String text, String secret) {
    assertFalse(text.contains(secret), where + " holds a whole secret");
    for (String part : secret.split("\\.")) {
      for (int i = 0; i + PART <= part.length(); i++) {
        String piece = part.substring(i, i + PART);
        int at = text.indexOf(piece);
        if (at >= 0) {
          int from = Math.max(0, at - 80);
          throw new AssertionError(where + " holds " + piece + " of a secret: ..."
              + text.substring(from, Math.min(text.length(), at + 80)) + "...");
        }
      }
    }
  }
}

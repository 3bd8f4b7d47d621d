package io.statelock.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The glob automaton against brute force: a prefix is covered exactly when every continuation matches. Patterns,
 * prefixes and continuations are drawn from a small alphabet, so every case of the automaton comes up.
 */
class KeyPatternTest {
    static final Caller NOBODY = new Caller("sub", Map.of("team", "a/b"), Long.MAX_VALUE, false, false);
    static final String[] PIECES = {"a", "b", "/", "*", "**", "**/", "${team}"};
    static final char[] ALPHABET = {'a', 'b', 'c', '/'};

    @Test
    void singleSegmentAndDeepWildcards() {
        assertThat(KeyPattern.key("prod/*").matches("prod/x", NOBODY)).isTrue();
        assertThat(KeyPattern.key("prod/*").matches("prod/x/y", NOBODY)).isFalse();
        assertThat(KeyPattern.key("prod/**").matches("prod/x/y", NOBODY)).isTrue();
        assertThat(KeyPattern.key("prod/**/tfstate").matches("prod/tfstate", NOBODY))
                .isTrue(); // zero segments
        assertThat(KeyPattern.key("prod/**/tfstate").matches("prod/a/b/tfstate", NOBODY))
                .isTrue();
        assertThat(KeyPattern.key("prod/**/tfstate").matches("prod/atfstate", NOBODY))
                .isFalse(); // whole segments only
        assertThat(KeyPattern.key("teams/${team}/*").matches("teams/a/b/x", NOBODY))
                .isTrue();
        assertThat(KeyPattern.key("teams/${missing}/*").matches("teams/a/x", NOBODY))
                .isFalse();
        assertThat(KeyPattern.claim("repo:acme/*:pull_request").matches("repo:acme/web:pull_request", null))
                .isTrue();
        assertThat(KeyPattern.claim("repo:acme/*").matches("repo:acme/web/x", null))
                .isFalse();
        assertThat(KeyPattern.claim("repo:acme/**").matches("repo:acme/web/x", null))
                .isTrue();
        assertThat(KeyPattern.claim("repo:${team}").matches("repo:a/b", null)).isFalse(); // a claim glob names none
    }

    @Test
    void oneCompiledPatternServesEveryCaller() {
        KeyPattern pattern = KeyPattern.key("teams/${team}/**");
        Caller other = new Caller("sub", Map.of("team", "c"), Long.MAX_VALUE, false, false);
        assertThat(pattern.matches("teams/a/b/x", NOBODY)).isTrue();
        assertThat(pattern.matches("teams/c/x", NOBODY)).isFalse();
        assertThat(pattern.matches("teams/c/x", other)).isTrue();
        assertThat(pattern.matches("teams/a/b/x", other)).isFalse();
        // Glob characters in a claim value are literal.
        Caller star = new Caller("sub", Map.of("team", "*"), Long.MAX_VALUE, false, false);
        assertThat(pattern.matches("teams/*/x", star)).isTrue();
        assertThat(pattern.matches("teams/a/x", star)).isFalse();
    }

    @Test
    void coverageAgreesWithEveryContinuation() {
        Random random = new Random(13);
        int covered = 0;
        for (int round = 0; round < 1000; round++) {
            List<String> patterns = new ArrayList<>();
            for (int p = 0, n = 1 + random.nextInt(2); p < n; p++) patterns.add(pattern(random));
            String prefix = word(random, random.nextInt(4));
            boolean expected = everyContinuationMatches(patterns, prefix);
            List<KeyPattern> compiled = patterns.stream().map(KeyPattern::key).toList();
            assertThat(KeyPattern.coverAll(compiled, prefix, NOBODY))
                    .as("%s cover '%s'", patterns, prefix)
                    .isEqualTo(expected);
            if (expected) covered++;
        }
        assertThat(covered).as("cases that are covered").isGreaterThan(30);
    }

    @Test
    void matchingAgreesWithTheRegularExpressionTranslation() {
        Random random = new Random(7);
        for (int round = 0; round < 5_000; round++) {
            String pattern = pattern(random).replace("${team}", "t");
            String key = word(random, random.nextInt(7));
            assertThat(KeyPattern.key(pattern).matches(key, NOBODY))
                    .as("'%s' ~ '%s'", key, pattern)
                    .isEqualTo(key.matches(regex(pattern)));
        }
    }

    /** The glob as a regular expression, written independently of the automaton: the reference it must agree with. */
    private static String regex(String glob) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            if (glob.startsWith("**/", i)) {
                out.append("(?:.*/)?");
                i += 2;
            } else if (glob.startsWith("**", i)) {
                out.append(".*");
                i += 1;
            } else if (glob.charAt(i) == '*') {
                out.append("[^/]*");
            } else {
                out.append(java.util.regex.Pattern.quote(String.valueOf(glob.charAt(i))));
            }
        }
        return out.toString();
    }

    private static String pattern(Random random) {
        StringBuilder b = new StringBuilder();
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) b.append(PIECES[random.nextInt(PIECES.length)]);
        return b.toString();
    }

    private static String word(Random random, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) b.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        return b.toString();
    }

    /** Brute force over every continuation up to 6 characters (longer than any counterexample these patterns have). */
    private static boolean everyContinuationMatches(List<String> patterns, String prefix) {
        List<String> words = new ArrayList<>(List.of(""));
        for (int length = 0; length <= 6; length++) {
            List<String> next = new ArrayList<>();
            for (String w : words) {
                String key = prefix + w;
                if (patterns.stream().noneMatch(p -> KeyPattern.key(p).matches(key, NOBODY))) return false;
                for (char c : ALPHABET) next.add(w + c);
            }
            words = next;
        }
        return true;
    }
}

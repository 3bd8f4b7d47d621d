package io.statelock.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Globs on {@code /} segments: {@code *} matches within one segment, {@code **} any number of
 * segments (also none). {@code ${claim}} is replaced by the caller's claim value before matching,
 * with glob characters in the value taken literally, so a claim can never widen a pattern.
 *
 * <p>A glob is run as a small automaton, so besides "does this key match" it answers "does every key
 * under this prefix match one of these patterns" ({@link #coverAll}), which List and Watch of a prefix need.
 */
final class KeyPattern {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.:-]+)}");
    /** Token of {@code *}: any characters but '/'. (Literal tokens are the character itself, >= 0.) */
    private static final int STAR = -1;
    /** Token of {@code **} not followed by '/': any characters. */
    private static final int ANY = -2;
    /** Token of {@code **}{@code /}: zero or more whole segments, i.e. nothing or anything ending in '/'. */
    private static final int SEGMENTS = -3;
    /** Joint automaton states {@link #coverAll} explores at most; past it the answer is "not covered" (deny). */
    private static final int MAX_COVER_STATES = 4096;

    /** The pattern's glob parts as tokens, tokenized once; a claim's value goes between each two of them. */
    private final List<int[]> parts;
    /** The claims the pattern names, in order (one fewer than {@link #parts}). */
    private final List<String> claims;
    /** The automaton of a pattern that names no claim, built once; null when it names one. */
    private final Glob fixed;

    private KeyPattern(List<int[]> parts, List<String> claims) {
        this.parts = parts;
        this.claims = claims;
        this.fixed = claims.isEmpty() ? new Glob(parts.get(0)) : null;
    }

    /** A key pattern of a policy rule: {@code **}{@code /} stands for whole segments. */
    static KeyPattern key(String pattern) {
        return compile(pattern, true);
    }

    /**
     * A claim glob of a policy rule: {@code *} matches anything but '/' and {@code **} anything. It is matched with
     * no caller: a claim glob that names a claim matches nothing.
     */
    static KeyPattern claim(String glob) {
        return compile(glob, false);
    }

    private static KeyPattern compile(String pattern, boolean segments) {
        List<int[]> parts = new ArrayList<>();
        List<String> claims = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(pattern);
        int last = 0;
        while (m.find()) {
            parts.add(tokenize(pattern.substring(last, m.start()), segments));
            claims.add(m.group(1));
            last = m.end();
        }
        parts.add(tokenize(pattern.substring(last), segments));
        return new KeyPattern(List.copyOf(parts), List.copyOf(claims));
    }

    /** Does {@code key} (or a claim value) match this pattern for this caller? A missing claim matches nothing. */
    boolean matches(String key, Caller caller) {
        Glob glob = glob(caller);
        return glob != null && glob.accepts(glob.run(glob.start(), key));
    }

    /**
     * Does every string that starts with {@code prefix} match one of {@code patterns}? (Every string, not only
     * valid keys: a rare pattern that covers all valid keys but not all strings is answered "no", never the
     * reverse.) The automata of all patterns are run over the prefix, then every continuation is explored:
     * covered when no reachable combination of states fails to accept.
     */
    static boolean coverAll(List<KeyPattern> patterns, String prefix, Caller caller) {
        List<Glob> globs = new ArrayList<>();
        for (KeyPattern p : patterns) {
            Glob g = p.glob(caller);
            if (g != null) globs.add(g);
        }
        if (globs.isEmpty()) return false;
        List<BitSet> start = new ArrayList<>(globs.size());
        for (Glob g : globs) start.add(g.run(g.start(), prefix));
        char[] alphabet = alphabet(globs);
        Set<List<BitSet>> seen = new HashSet<>();
        List<List<BitSet>> todo = new ArrayList<>();
        seen.add(start);
        todo.add(start);
        while (!todo.isEmpty()) {
            List<BitSet> states = todo.remove(todo.size() - 1);
            boolean accepted = false;
            for (int i = 0; i < globs.size() && !accepted; i++)
                accepted = globs.get(i).accepts(states.get(i));
            if (!accepted) return false; // this continuation is a key none of the patterns matches
            for (char c : alphabet) {
                List<BitSet> next = new ArrayList<>(globs.size());
                for (int i = 0; i < globs.size(); i++) next.add(globs.get(i).step(states.get(i), c));
                if (seen.add(next)) {
                    if (seen.size() > MAX_COVER_STATES) return false;
                    todo.add(next);
                }
            }
        }
        return true;
    }

    /**
     * The automaton for this caller: the claims' values put in literally (a claim never widens a pattern), or null
     * when the caller does not have one of them exactly once (then the pattern matches nothing).
     */
    private Glob glob(Caller caller) {
        if (fixed != null) return fixed;
        if (caller == null) return null;
        IntStream.Builder tokens = IntStream.builder();
        for (int i = 0; i < claims.size(); i++) {
            var values = caller.claimValues(claims.get(i));
            if (values.size() != 1 || values.get(0).isEmpty()) return null;
            Arrays.stream(parts.get(i)).forEach(tokens);
            values.get(0).chars().forEach(tokens); // literally: a claim never widens
        }
        Arrays.stream(parts.get(claims.size())).forEach(tokens);
        return new Glob(tokens.build().toArray());
    }

    private static int[] tokenize(String glob, boolean segments) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                i++;
                if (segments && i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
                    i++;
                    out.add(SEGMENTS);
                } else {
                    out.add(ANY);
                }
            } else if (c == '*') {
                out.add(STAR);
            } else {
                out.add((int) c);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** One character of each class the automata tell apart: '/', each literal, and one that is none of those. */
    private static char[] alphabet(List<Glob> globs) {
        Set<Character> chars = new HashSet<>();
        chars.add('/');
        for (Glob g : globs) {
            for (int t : g.tokens) if (t >= 0) chars.add((char) t);
        }
        char other = '\u0001';
        while (chars.contains(other)) other++;
        chars.add(other);
        char[] out = new char[chars.size()];
        int i = 0;
        for (char c : chars) out[i++] = c;
        return out;
    }

    /**
     * A glob as tokens and its automaton. State {@code 2*pos} is "at token pos"; {@code 2*pos+1} is "inside the
     * {@code **}{@code /} at pos, after at least one character, waiting for its '/'". Accepting: all tokens consumed.
     */
    private static final class Glob {
        final int[] tokens;

        Glob(int[] tokens) {
            this.tokens = tokens;
        }

        BitSet start() {
            BitSet s = new BitSet();
            s.set(0);
            return closure(s);
        }

        BitSet run(BitSet states, String input) {
            BitSet s = states;
            for (int i = 0; i < input.length() && !s.isEmpty(); i++) s = step(s, input.charAt(i));
            return s;
        }

        boolean accepts(BitSet states) {
            return states.get(2 * tokens.length);
        }

        BitSet step(BitSet states, char c) {
            BitSet next = new BitSet();
            for (int s = states.nextSetBit(0); s >= 0; s = states.nextSetBit(s + 1)) {
                int pos = s / 2;
                if (s % 2 == 1) { // inside "**/": anything, and a '/' may end it
                    next.set(s);
                    if (c == '/') next.set(2 * (pos + 1));
                    continue;
                }
                if (pos == tokens.length) continue;
                int t = tokens[pos];
                if (t == STAR) {
                    if (c != '/') next.set(s);
                } else if (t == ANY) {
                    next.set(s);
                } else if (t == SEGMENTS) {
                    next.set(s + 1);
                    if (c == '/') next.set(2 * (pos + 1));
                } else if (t == c) {
                    next.set(2 * (pos + 1));
                }
            }
            return closure(next);
        }

        /** Adds the states reachable without input: every wildcard may match nothing. */
        private BitSet closure(BitSet states) {
            for (int pos = 0; pos < tokens.length; pos++) {
                if (states.get(2 * pos) && tokens[pos] < 0) states.set(2 * (pos + 1));
            }
            return states;
        }
    }
}

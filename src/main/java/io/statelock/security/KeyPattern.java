package io.statelock.security;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Globs on {@code /} segments: {@code *} matches within one segment, {@code **} any number of
 * segments (also none). {@code ${claim}} is replaced by the caller's claim value before matching,
 * with glob characters in the value taken literally, so a claim can never widen a pattern.
 */
final class KeyPattern {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.:-]+)}");

    private KeyPattern() {
    }

    /** Does {@code key} match {@code pattern} for this caller? A pattern naming a missing claim matches nothing. */
    static boolean matches(String pattern, String key, Caller caller) {
        String regex = toRegex(pattern, caller, true);
        return regex != null && key.matches(regex);
    }

    /** A claim value against a glob where {@code *} matches anything but '/' and {@code **} anything. */
    static boolean claimMatches(String glob, String value) {
        return value.matches(toRegex(glob, null, false));
    }

    private static String toRegex(String pattern, Caller caller, boolean segments) {
        StringBuilder regex = new StringBuilder();
        Matcher m = PLACEHOLDER.matcher(pattern);
        int last = 0;
        while (m.find()) {
            regex.append(globToRegex(pattern.substring(last, m.start()), segments));
            if (caller == null) return null;
            var values = caller.claimValues(m.group(1));
            if (values.size() != 1 || values.get(0).isEmpty()) return null;
            regex.append(Pattern.quote(values.get(0)));
            last = m.end();
        }
        regex.append(globToRegex(pattern.substring(last), segments));
        return regex.toString();
    }

    private static String globToRegex(String glob, boolean segments) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                i++;
                if (segments && i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
                    i++;
                    out.append("(?:.*/)?"); // "**/" : zero or more whole segments
                } else {
                    out.append(".*");
                }
            } else if (c == '*') {
                out.append("[^/]*");
            } else {
                out.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return out.toString();
    }
}

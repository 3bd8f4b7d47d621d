package io.statelock.common;

import java.util.regex.Pattern;

/**
 * A lock key such as {@code prod/network/terraform.tfstate}: 1-512 characters of
 * {@code [A-Za-z0-9._/:=@+-]}, no leading {@code /}, no empty, {@code .} or {@code ..} segment
 * (a {@code .} segment would name the same file as the key without it in a filesystem blob store).
 */
public record LockKey(String value) implements Comparable<LockKey> {
    public static final int MAX_LENGTH = 512;
    /** One character of a key (and of a {@link KeyPrefix}). */
    static final String ALPHABET = "[A-Za-z0-9._/:=@+\\-]";

    private static final Pattern ALLOWED = Pattern.compile(ALPHABET + "+");

    public LockKey {
        String problem = problem(value);
        if (problem != null) {
            throw InvalidArgumentException.of("key", problem);
        }
    }

    /** Why {@code value} is not a valid key, or null when it is. */
    public static String problem(String value) {
        if (value == null || value.isEmpty()) return "must not be empty";
        if (value.length() > MAX_LENGTH) return "must be at most " + MAX_LENGTH + " characters";
        if (!ALLOWED.matcher(value).matches()) return "may only contain A-Z a-z 0-9 . _ / : = @ + -";
        if (value.startsWith("/")) return "must not start with '/'";
        for (String segment : value.split("/", -1)) {
            if (segment.isEmpty()) return "must not contain an empty segment";
            if (segment.equals("..")) return "must not contain a '..' segment";
            if (segment.equals(".")) return "must not contain a '.' segment";
        }
        return null;
    }

    /** The first '/'-separated segment; the partition of the prefix index. */
    public String firstSegment() {
        int slash = value.indexOf('/');
        return slash < 0 ? value : value.substring(0, slash);
    }

    @Override
    public int compareTo(LockKey other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}

package io.statelock.common;

import java.util.regex.Pattern;

/**
 * The key prefix of a List, Watch or Audit request: empty (every key), or up to {@value LockKey#MAX_LENGTH}
 * characters of the key alphabet, not starting with '/'. A prefix may end inside a segment ("prod/net" covers
 * "prod/network/..."), so only length and alphabet are checked, not segments.
 */
public record KeyPrefix(String value) {
    /** Above every character a key may contain ('z' is the highest): the end of a key range. */
    private static final String AFTER_ALL = "~";

    private static final Pattern ALLOWED = Pattern.compile(LockKey.ALPHABET + "*");

    /** A null value is the empty prefix; anything else outside the rule is a bad {@code prefix} argument. */
    public KeyPrefix {
        value = value == null ? "" : value;
        // Same alphabet as lock keys, so a prefix is a key prefix and nothing else.
        if (value.length() > LockKey.MAX_LENGTH || !ALLOWED.matcher(value).matches() || value.startsWith("/")) {
            throw InvalidArgumentException.of(
                    "prefix", "must be a key prefix: up to 512 of A-Z a-z 0-9 . _ / : = @ + -, not starting with '/'");
        }
    }

    public static KeyPrefix of(String value) {
        return new KeyPrefix(value);
    }

    /** The empty prefix: every key. */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    public boolean matches(String key) {
        return key.startsWith(value);
    }

    public boolean matches(LockKey key) {
        return matches(key.value());
    }

    /** Sorts after every key under this prefix and before every other key above them: {@code [value, upperBound())}. */
    public String upperBound() {
        return value + AFTER_ALL;
    }

    @Override
    public String toString() {
        return value;
    }
}

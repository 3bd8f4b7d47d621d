package io.statelock.client;

import java.time.Duration;
import java.util.Objects;

/** The argument checks of {@link AcquireOptions.Builder}: each returns its argument or throws. */
final class OptionChecks {
    private OptionChecks() {}

    /** {@code d}, which must be set and longer than zero. */
    static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return d;
    }

    /** {@code d}, which must be set ({@code name}) and not negative ({@code description}). */
    static Duration notNegative(Duration d, String name, String description) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(description + " must not be negative");
        }
        return d;
    }

    /** {@code s}, which must be set and not blank. */
    static String notBlank(String s, String name) {
        Objects.requireNonNull(s, name);
        if (s.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return s;
    }
}

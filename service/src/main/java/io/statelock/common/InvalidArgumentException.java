package io.statelock.common;

import java.util.List;

/** Bad input from a caller; names every offending field so a client can fix it. */
public final class InvalidArgumentException extends StatelockException {
    /** One offending field and what is wrong with it. */
    public record Violation(String field, String description) {}

    private final List<Violation> violations;

    public InvalidArgumentException(List<Violation> violations) {
        super(Kind.INVALID, summary(violations));
        this.violations = List.copyOf(violations);
    }

    public static InvalidArgumentException of(String field, String description) {
        return new InvalidArgumentException(List.of(new Violation(field, description)));
    }

    public List<Violation> violations() {
        return violations;
    }

    private static String summary(List<Violation> violations) {
        StringBuilder sb = new StringBuilder("invalid argument: ");
        for (int i = 0; i < violations.size(); i++) {
            if (i > 0) sb.append("; ");
            sb.append(violations.get(i).field())
                    .append(": ")
                    .append(violations.get(i).description());
        }
        return sb.toString();
    }
}

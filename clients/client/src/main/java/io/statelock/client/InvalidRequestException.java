package io.statelock.client;

import java.util.List;

/**
 * The service rejected an argument ({@code INVALID_ARGUMENT}); {@link #violations()} lists the
 * offending fields from the {@code google.rpc.BadRequest} detail.
 */
public final class InvalidRequestException extends StatelockException {
    private static final long serialVersionUID = 1L;

    private final List<String> violations;

    public InvalidRequestException(String message, List<String> violations, Throwable cause) {
        super("INVALID_ARGUMENT", message, cause);
        this.violations = List.copyOf(violations);
    }

    /** Field violations as {@code "field: description"}. */
    public List<String> violations() {
        return violations;
    }
}

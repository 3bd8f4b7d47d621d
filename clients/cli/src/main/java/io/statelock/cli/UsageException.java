package io.statelock.cli;

/** A usage error found after parsing (exit 64). */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}

package io.statelock.cli;

final class Args {
    private Args() {}

    static void require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new UsageException("missing " + what);
        }
    }
}

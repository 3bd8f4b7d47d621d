package io.statelock.harness;

import java.util.List;

/**
 * A broken invariant: which check (1 fenced writes, 2 granted fences, 3 nothing lost or reordered,
 * 4 liveness, 5 mutual exclusion), on which key, what, and the operations that show it.
 */
record Violation(int check, String key, String message, List<Op> evidence) {
    @Override
    public String toString() {
        return "check " + check + " on " + key + ": " + message;
    }
}

package io.statelock.harness;

import java.util.List;
import java.util.Map;

/**
 * What one harness run saw: the history, the faults, the final states and the violations found.
 *
 * @param answersLost store answers the lost-response faults dropped after their request took effect
 */
record RunResult(
        HarnessOptions options,
        List<Op> ops,
        List<FaultEvent> faults,
        Map<String, String> finalStates,
        List<Violation> violations,
        long elapsedMs,
        int answersLost) {

    boolean passed() {
        return violations.isEmpty();
    }

    long count(Op.Type type, Op.Outcome outcome) {
        return ops.stream()
                .filter(o -> o.type() == type && o.outcome() == outcome)
                .count();
    }

    long count(Fault fault) {
        return faults.stream().filter(f -> f.fault() == fault).count();
    }
}

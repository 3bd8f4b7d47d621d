package io.statelock.harness;

import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Prints a run: operations by type and outcome, faults by kind, writes per key, violations with their history. */
final class Summary {
    /** At most this many violations are printed in full, each with at most this many history lines. */
    private static final int MAX_VIOLATIONS = 10;

    private static final int MAX_SLICE = 40;
    /** The history slice around a violation's evidence. */
    private static final long SLICE_MARGIN_MS = 1_500;

    private Summary() {}

    static void print(RunResult r, PrintStream out) {
        HarnessOptions o = r.options();
        out.printf(
                "%nstatelock safety harness: seed %d, --duration %ds, %d workers, %d keys, %d replicas%s, %.1f s in all%n",
                o.seed(),
                o.duration().toSeconds(),
                o.workers(),
                o.keys(),
                o.replicas(),
                o.broken() ? ", BROKEN (replica 0 skips the fence check)" : "",
                r.elapsedMs() / 1000.0);
        out.printf(
                "rerun: clients/bin/harness --seed %d --duration %ds --workers %d --keys %d --replicas %d%s%n",
                o.seed(), o.duration().toSeconds(), o.workers(), o.keys(), o.replicas(), o.broken() ? " --broken" : "");
        out.printf("%n%-16s %8s %8s %8s %8s %9s%n", "operation", "OK", "REFUSED", "UNKNOWN", "ERROR", "CANCELLED");
        for (Op.Type t : Op.Type.values()) {
            out.printf(
                    "%-16s %8d %8d %8d %8d %9d%n",
                    t,
                    r.count(t, Op.Outcome.OK),
                    r.count(t, Op.Outcome.REFUSED),
                    r.count(t, Op.Outcome.UNKNOWN),
                    r.count(t, Op.Outcome.ERROR),
                    r.count(t, Op.Outcome.CANCELLED));
        }
        out.printf("%n%-20s %6s%n", "fault", "count");
        for (Fault f : Fault.values()) {
            out.printf("%-20s %6d%n", f, r.count(f));
        }
        out.printf("store answers lost after their request took effect: %d%n", r.answersLost());
        out.printf("%n%-20s %10s %10s %12s%n", "key", "accepted", "in final", "last fence");
        Map<String, List<Op>> writes = new TreeMap<>(r.ops().stream()
                .filter(op -> op.type() == Op.Type.WRITE && op.ok())
                .collect(Collectors.groupingBy(Op::key)));
        new TreeMap<>(r.finalStates()).forEach((key, state) -> {
            List<StateRecords.Line> lines = StateRecords.parse(state);
            out.printf(
                    "%-20s %10d %10d %12d%n",
                    key,
                    writes.getOrDefault(key, List.of()).size(),
                    lines.size(),
                    lines.isEmpty() ? 0 : lines.get(lines.size() - 1).fence());
        });
        out.printf("%nviolations: %d%s%n", r.violations().size(), r.passed() ? " (checks 1-6 hold)" : "");
        Map<Integer, Long> byCheck = new TreeMap<>(
                r.violations().stream().collect(Collectors.groupingBy(Violation::check, Collectors.counting())));
        byCheck.forEach((check, n) -> out.printf("  check %d: %d%n", check, n));
        r.violations().stream().limit(MAX_VIOLATIONS).forEach(v -> printViolation(v, r, out));
        if (r.violations().size() > MAX_VIOLATIONS) {
            out.printf("%n... and %d more%n", r.violations().size() - MAX_VIOLATIONS);
        }
    }

    private static void printViolation(Violation v, RunResult r, PrintStream out) {
        out.printf("%nVIOLATION %s%n", v);
        if (v.evidence().isEmpty()) {
            return;
        }
        long from = v.evidence().stream().mapToLong(Op::startMs).min().orElse(0) - SLICE_MARGIN_MS;
        long to = v.evidence().stream().mapToLong(Op::endMs).max().orElse(0) + SLICE_MARGIN_MS;
        List<Op> slice = r.ops().stream()
                .filter(op -> op.key().equals(v.key()) && op.endMs() >= from && op.startMs() <= to)
                .filter(op -> op.type() != Op.Type.READ || v.evidence().contains(op))
                .sorted(Comparator.comparingLong(Op::startMs))
                .toList();
        out.printf("  history of %s from %d to %d ms (evidence marked >):%n", v.key(), from, to);
        slice.stream()
                .limit(MAX_SLICE)
                .forEach(op -> out.printf("  %s %s%n", v.evidence().contains(op) ? ">" : " ", op));
        if (slice.size() > MAX_SLICE) {
            out.printf("    ... %d more%n", slice.size() - MAX_SLICE);
        }
        r.faults().stream()
                .filter(f -> f.endMs() >= from && f.startMs() <= to)
                .forEach(f -> out.printf("    fault %s%n", f));
    }
}

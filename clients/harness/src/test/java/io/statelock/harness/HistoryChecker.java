package io.statelock.harness;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a history against the invariants (docs/design.md#invariants), per key:
 * <ol>
 *   <li>every accepted state write carried the fence current when it started (no grant with a higher
 *       fence had completed before it began), and accepted writes' fences strictly increase, both in
 *       the order of the versions they got and in real time;
 *   <li>granted fences strictly increase in real time, no two leases share one, and no two acquire
 *       calls got the same lease (the harness never sets a request id of its own, so each call is a new
 *       acquire however its options are shared);
 *   <li>the final state holds every acknowledged record, in fence order; a record whose write had an
 *       unknown outcome at most once, in fence order; nothing else;
 *   <li>liveness: every key was acquired after the last fault within the bound;
 *   <li>mutual exclusion (beyond the four): no lease was renewed, nor said it was valid by the
 *       client's own clock, after a newer lease of the key had been granted, i.e. never two live leases
 *       at once;
 *   <li>a cancel hurts only its own call: no upload cancelled before its commit was stored (its record is in no
 *       final state, and the client never called it stored), and no call made wholly inside a client-cancel window
 *       failed with an unknown outcome or an error, and no client had to reconnect in it.
 * </ol>
 * Operations with outcome UNKNOWN count as "may have happened": they never prove a violation and
 * never excuse one, except that an unknown write's record may appear in the final state.
 */
final class HistoryChecker {
    private final List<Op> ops;
    private final long livenessBoundMs;
    private final List<Violation> violations = new ArrayList<>();

    private HistoryChecker(List<Op> ops, long livenessBoundMs) {
        this.ops = ops;
        this.livenessBoundMs = livenessBoundMs;
    }

    /**
     * @param finalStates each checked key's final state as read after the run ({@code null}: none stored)
     */
    static List<Violation> check(List<Op> ops, Map<String, String> finalStates, long livenessBoundMs) {
        return check(ops, finalStates, livenessBoundMs, List.of());
    }

    /** @param cancelWindows the client-cancel windows of the run, judged by check 6 */
    static List<Violation> check(
            List<Op> ops, Map<String, String> finalStates, long livenessBoundMs, List<Cancels.Window> cancelWindows) {
        HistoryChecker c = new HistoryChecker(ops, livenessBoundMs);
        Map<String, List<Op>> byKey = ops.stream().collect(Collectors.groupingBy(Op::key));
        for (Map.Entry<String, List<Op>> e : byKey.entrySet()) {
            c.fencedWrites(e.getKey(), e.getValue());
            c.grantedFences(e.getKey(), e.getValue());
            c.mutualExclusion(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, String> e : finalStates.entrySet()) {
            c.nothingLost(e.getKey(), byKey.getOrDefault(e.getKey(), List.of()), e.getValue());
        }
        c.liveness();
        c.cancelsHurtOnlyThemselves(cancelWindows);
        return c.violations;
    }

    private void fencedWrites(String key, List<Op> keyOps) {
        List<Op> writes = of(keyOps, Op.Type.WRITE, Op.Outcome.OK);
        List<Op> grants = of(keyOps, Op.Type.ACQUIRE, Op.Outcome.OK);
        for (Op w : writes) {
            for (Op g : grants) {
                if (g.fence() > w.fence() && g.endMs() < w.startMs()) {
                    violations.add(new Violation(
                            1,
                            key,
                            "write " + w.record() + " with fence " + w.fence() + " was accepted after fence "
                                    + g.fence() + " had been granted",
                            List.of(g, w)));
                    break;
                }
            }
        }
        List<Op> byVersion = new ArrayList<>(writes);
        byVersion.sort(Comparator.comparingLong(Op::version));
        for (int i = 1; i < byVersion.size(); i++) {
            Op a = byVersion.get(i - 1);
            Op b = byVersion.get(i);
            if (b.fence() <= a.fence()) {
                violations.add(new Violation(
                        1,
                        key,
                        "version " + b.version() + " was written with fence " + b.fence() + ", not above version "
                                + a.version() + "'s fence " + a.fence(),
                        List.of(a, b)));
            }
        }
        for (Op a : writes) {
            for (Op b : writes) {
                if (a.endMs() < b.startMs() && b.fence() <= a.fence() && a != b) {
                    violations.add(new Violation(
                            1,
                            key,
                            "accepted write " + b.record() + " (fence " + b.fence() + ") started after accepted write "
                                    + a.record() + " (fence " + a.fence() + ") ended",
                            List.of(a, b)));
                }
            }
        }
    }

    private void grantedFences(String key, List<Op> keyOps) {
        List<Op> grants = of(keyOps, Op.Type.ACQUIRE, Op.Outcome.OK);
        Map<Long, Op> leaseOfFence = new HashMap<>();
        Map<String, Op> callOfLease = new HashMap<>();
        for (Op g : grants) {
            Op other = leaseOfFence.putIfAbsent(g.fence(), g);
            if (other != null && !other.leaseId().equals(g.leaseId())) {
                violations.add(
                        new Violation(2, key, "fence " + g.fence() + " was granted to two leases", List.of(other, g)));
            }
            Op sameLease = callOfLease.putIfAbsent(g.leaseId(), g);
            if (sameLease != null) {
                violations.add(new Violation(
                        2,
                        key,
                        "lease with fence " + g.fence() + " was handed to two acquire calls (" + sameLease.worker()
                                + " and " + g.worker() + ")",
                        List.of(sameLease, g)));
            }
            for (Op earlier : grants) {
                if (earlier.endMs() < g.startMs()
                        && g.fence() <= earlier.fence()
                        && !earlier.leaseId().equals(g.leaseId())) {
                    violations.add(new Violation(
                            2,
                            key,
                            "fence " + g.fence() + " granted after fence " + earlier.fence(),
                            List.of(earlier, g)));
                }
            }
        }
    }

    private void mutualExclusion(String key, List<Op> keyOps) {
        List<Op> grants = of(keyOps, Op.Type.ACQUIRE, Op.Outcome.OK);
        List<Op> live = new ArrayList<>(of(keyOps, Op.Type.HEARTBEAT, Op.Outcome.OK));
        live.addAll(of(keyOps, Op.Type.LEASE_VALID, Op.Outcome.OK));
        for (Op h : live) {
            for (Op g : grants) {
                // Finished before h began, with a higher fence: h's lease must have been over by then.
                if (g.fence() > h.fence() && g.endMs() < h.startMs()) {
                    String what = h.type() == Op.Type.HEARTBEAT ? "was renewed" : "said it was valid (client's clock)";
                    violations.add(new Violation(
                            5,
                            key,
                            "lease with fence " + h.fence() + " " + what + " after fence " + g.fence()
                                    + " had been granted: two live leases",
                            List.of(g, h)));
                    break;
                }
            }
        }
    }

    private void nothingLost(String key, List<Op> keyOps, String finalState) {
        Map<String, Op> acked = index(of(keyOps, Op.Type.WRITE, Op.Outcome.OK));
        Map<String, Op> unknown = index(of(keyOps, Op.Type.WRITE, Op.Outcome.UNKNOWN));
        Map<String, Op> cancelled = index(of(keyOps, Op.Type.UPLOAD_CANCEL, Op.Outcome.CANCELLED));
        List<StateRecords.Line> lines = finalState == null ? List.of() : StateRecords.parse(finalState);
        Set<String> seen = new HashSet<>();
        StateRecords.Line previous = null;
        for (StateRecords.Line line : lines) {
            Op writer = acked.containsKey(line.record()) ? acked.get(line.record()) : unknown.get(line.record());
            if (writer == null && cancelled.containsKey(line.record())) {
                violations.add(new Violation(
                        6,
                        key,
                        "final state holds record " + line.record() + " of an upload cancelled before its commit",
                        List.of(cancelled.get(line.record()))));
            } else if (writer == null) {
                violations.add(new Violation(
                        3,
                        key,
                        "final state holds record " + line.record()
                                + " that no acknowledged or indeterminate write made",
                        keyOps.stream()
                                .filter(o -> o.record().equals(line.record()))
                                .toList()));
            } else if (writer.fence() != line.fence()) {
                violations.add(new Violation(
                        3,
                        key,
                        "record " + line.record() + " holds fence " + line.fence() + " but was written with "
                                + writer.fence(),
                        List.of(writer)));
            }
            if (!seen.add(line.record())) {
                violations.add(new Violation(3, key, "record " + line.record() + " appears twice", evidence(writer)));
            }
            if (previous != null && line.fence() <= previous.fence()) {
                violations.add(new Violation(
                        3,
                        key,
                        "record " + line.record() + " (fence " + line.fence() + ") follows " + previous.record()
                                + " (fence " + previous.fence() + "): not in fence order",
                        evidence(writer)));
            }
            previous = line;
        }
        for (Op w : acked.values()) {
            if (!seen.contains(w.record())) {
                violations.add(new Violation(
                        3,
                        key,
                        "acknowledged write " + w.record() + " (fence " + w.fence() + ", version " + w.version()
                                + ") is missing from the final state",
                        List.of(w)));
            }
        }
    }

    private void liveness() {
        for (Op l : ops) {
            if (l.type() != Op.Type.LIVENESS) {
                continue;
            }
            long took = l.endMs() - l.startMs();
            if (!l.ok() || took > livenessBoundMs) {
                violations.add(new Violation(
                        4,
                        l.key(),
                        "after the last fault the key was "
                                + (l.ok()
                                        ? "acquired only after " + took + " ms"
                                        : "not acquired (" + l.outcome() + ")")
                                + "; bound " + livenessBoundMs + " ms",
                        List.of(l)));
            }
        }
    }

    private void cancelsHurtOnlyThemselves(List<Cancels.Window> windows) {
        for (Op op : ops) {
            if (op.type() == Op.Type.UPLOAD_CANCEL && op.ok()) {
                violations.add(new Violation(
                        6,
                        op.key(),
                        "upload " + op.record() + " was stored although its input failed" + " before the commit",
                        List.of(op)));
            }
        }
        for (Cancels.Window w : windows) {
            for (Op op : ops) {
                boolean failed = op.outcome() == Op.Outcome.UNKNOWN || op.outcome() == Op.Outcome.ERROR;
                // Wholly inside the window: a call still running when it closes may meet the next fault.
                if (failed && op.startMs() >= w.startMs() && op.endMs() <= w.endMs()) {
                    violations.add(new Violation(
                            6,
                            op.key(),
                            op.type() + " failed in the client-cancel window " + w.startMs() + ".." + w.endMs()
                                    + " ms, with no fault but the cancels",
                            List.of(op)));
                }
            }
            if (w.newConnections() > 0) {
                violations.add(new Violation(
                        6,
                        "",
                        w.newConnections() + " client connections opened in the client-cancel " + "window "
                                + w.startMs() + ".." + w.endMs() + " ms: a cancel closed a connection",
                        List.of()));
            }
        }
    }

    private static List<Op> of(List<Op> keyOps, Op.Type type, Op.Outcome outcome) {
        return keyOps.stream()
                .filter(o -> o.type() == type && o.outcome() == outcome)
                .toList();
    }

    private static Map<String, Op> index(List<Op> writes) {
        Map<String, Op> m = new HashMap<>();
        writes.forEach(w -> m.put(w.record(), w));
        return m;
    }

    private static List<Op> evidence(Op op) {
        return op == null ? List.of() : List.of(op);
    }
}

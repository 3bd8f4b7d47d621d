package io.statelock.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The safety harness's short seeded CI configuration against the packaged service: two replicas on
 * dynalite and s3proxy, 16 workers over 4 keys, every kind of fault. It must pass; and the broken
 * mode (a replica that skips the fence check) must be caught.
 */
class HarnessIT {
    static RunResult run(HarnessOptions options) throws Exception {
        String missing = Layout.find().missing();
        assumeTrue(missing == null, missing);
        RunResult r = new Harness(options).run();
        Summary.print(r, System.out);
        return r;
    }

    @Test
    void theCiConfigurationHoldsEveryInvariantUnderEveryKindOfFault() throws Exception {
        RunResult r = run(HarnessOptions.ci(false, Path.of("target", "harness", "ci-" + System.currentTimeMillis())));
        assertEquals(0, r.violations().size(), () -> "violations: " + r.violations());
        assertTrue(r.count(Op.Type.WRITE, Op.Outcome.OK) >= 50, "the workers really wrote state");
        assertTrue(
                r.count(Op.Type.LIVENESS, Op.Outcome.OK) == r.options().keys(), "every key acquired after the faults");
        assertTrue(
                r.ops().stream()
                        .anyMatch(o -> o.type() == Op.Type.WRITE
                                && o.outcome() == Op.Outcome.REFUSED
                                && o.detail().contains("pause")),
                "a client that paused past its lease was refused when it wrote");
        for (Fault f : Fault.injected()) {
            assertTrue(r.count(f) > 0, "fault " + f + " was injected");
        }
        assertTrue(r.answersLost() > 0, "a store answer was lost after its request took effect");
        assertTrue(r.count(Op.Type.LEASE_VALID, Op.Outcome.OK) >= 50, "workers held real, self-renewing leases");
        long recordsInFinal = r.finalStates().values().stream()
                .mapToLong(s -> StateRecords.parse(s).size())
                .sum();
        assertTrue(
                recordsInFinal >= r.count(Op.Type.WRITE, Op.Outcome.OK),
                "every acknowledged record is in a final state");
    }

    @Test
    void aReplicaThatSkipsTheFenceCheckIsCaught() throws Exception {
        RunResult r =
                run(HarnessOptions.ci(true, Path.of("target", "harness", "ci-broken-" + System.currentTimeMillis())));
        assertTrue(r.count(Fault.CLIENT_PAUSE) > 0, "paused clients were made to write");
        assertTrue(
                r.violations().stream().anyMatch(v -> v.check() == 1),
                () -> "a stale fence was accepted and check 1 must say so: " + r.violations());
    }
}

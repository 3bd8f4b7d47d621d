package io.statelock.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checker on hand-made histories: it passes a valid one and names each kind of violation. */
class HistoryCheckerTest {
    static final String K = "k/0";
    static final long BOUND = 10_000;

    final List<Op> ops = new ArrayList<>();
    long t;

    Op op(Op.Type type, Op.Outcome outcome, String lease, long fence, String record, long version) {
        Op o = new Op(ops.size() + 1, "w", type, K, t, t + 5, outcome, lease, fence, record, version, "");
        t += 10;
        ops.add(o);
        return o;
    }

    /** A holder's cycle: grant, accepted write, release. */
    void cycle(String lease, long fence, String record, long version) {
        op(Op.Type.ACQUIRE, Op.Outcome.OK, lease, fence, "", 0);
        op(Op.Type.WRITE, Op.Outcome.OK, lease, fence, record, version);
        op(Op.Type.RELEASE, Op.Outcome.OK, lease, fence, "", 0);
    }

    static String state(Object... recordsAndFences) {
        String s = "";
        for (int i = 0; i < recordsAndFences.length; i += 2) {
            s = StateRecords.append(s, (String) recordsAndFences[i], ((Number) recordsAndFences[i + 1]).longValue());
        }
        return s;
    }

    List<Violation> check(String finalState) {
        Map<String, String> finals = new java.util.HashMap<>();
        finals.put(K, finalState); // null: no state stored
        return HistoryChecker.check(ops, finals, BOUND);
    }

    static void assertOnly(int check, List<Violation> violations) {
        assertTrue(!violations.isEmpty(), "expected a violation of check " + check);
        violations.forEach(v -> assertEquals(check, v.check(), v.toString()));
    }

    @Test
    void aValidHistoryPasses() {
        cycle("a", 1, "r1", 1);
        op(Op.Type.ACQUIRE, Op.Outcome.REFUSED, "", 0, "", 0); // held: nothing granted
        cycle("b", 2, "r2", 2);
        op(Op.Type.ACQUIRE, Op.Outcome.OK, "c", 3, "", 0);
        op(Op.Type.WRITE, Op.Outcome.REFUSED, "c", 3, "r3", 0); // refused: must not appear
        op(Op.Type.LIVENESS, Op.Outcome.OK, "d", 4, "", 0);
        assertEquals(List.of(), check(state("r1", 1, "r2", 2)));
    }

    @Test
    void anIndeterminateWriteMayAppearOnceOrNot() {
        cycle("a", 1, "r1", 1);
        op(Op.Type.ACQUIRE, Op.Outcome.OK, "b", 2, "", 0);
        op(Op.Type.WRITE, Op.Outcome.UNKNOWN, "b", 2, "r2", 0);
        cycle("c", 3, "r3", 3);
        assertEquals(List.of(), check(state("r1", 1, "r2", 2, "r3", 3)));
        assertEquals(List.of(), check(state("r1", 1, "r3", 3)));
    }

    @Test
    void aDuplicatedIndeterminateWriteIsCaught() {
        cycle("a", 1, "r1", 1);
        op(Op.Type.ACQUIRE, Op.Outcome.OK, "b", 2, "", 0);
        op(Op.Type.WRITE, Op.Outcome.UNKNOWN, "b", 2, "r2", 0);
        List<Violation> v = check(state("r1", 1, "r2", 2, "r2", 2));
        assertTrue(v.stream().anyMatch(x -> x.check() == 3 && x.message().contains("appears twice")), v.toString());
    }

    @Test
    void aLostAcknowledgedWriteIsCaught() {
        cycle("a", 1, "r1", 1);
        cycle("b", 2, "r2", 2);
        cycle("c", 3, "r3", 3);
        List<Violation> v = check(state("r1", 1, "r3", 3));
        assertOnly(3, v);
        assertTrue(v.get(0).message().contains("r2") && v.get(0).message().contains("missing"), v.toString());
    }

    @Test
    void aReorderedWriteIsCaught() {
        cycle("a", 1, "r1", 1);
        cycle("b", 2, "r2", 2);
        List<Violation> v = check(state("r2", 2, "r1", 1));
        assertOnly(3, v);
        assertTrue(v.get(0).message().contains("fence order"), v.toString());
    }

    @Test
    void aRecordNobodyWroteOrARefusedWriteInTheStateIsCaught() {
        cycle("a", 1, "r1", 1);
        op(Op.Type.ACQUIRE, Op.Outcome.OK, "b", 2, "", 0);
        op(Op.Type.WRITE, Op.Outcome.REFUSED, "b", 2, "r2", 0);
        assertOnly(3, check(state("r1", 1, "r2", 2)));
    }

    @Test
    void aStaleFenceAcceptedAfterANewerGrantIsCaught() {
        // The classic pause: a holds fence 1, pauses past its ttl, b is granted fence 2 and writes,
        // then a wakes up and its write with fence 1 is accepted (a replica that skipped the fence check).
        op(Op.Type.ACQUIRE, Op.Outcome.OK, "a", 1, "", 0);
        op(Op.Type.ACQUIRE, Op.Outcome.OK, "b", 2, "", 0);
        op(Op.Type.WRITE, Op.Outcome.OK, "b", 2, "r2", 1);
        op(Op.Type.WRITE, Op.Outcome.OK, "a", 1, "r1", 2);
        List<Violation> v = check(state("r2", 2, "r1", 1));
        assertTrue(
                v.stream().anyMatch(x -> x.check() == 1 && x.message().contains("after fence 2 had been granted")),
                v.toString());
        assertTrue(v.stream().anyMatch(x -> x.check() == 1 && x.message().contains("version 2")), v.toString());
        assertTrue(v.stream().anyMatch(x -> x.check() == 3), "the stale record is out of fence order too");
    }

    @Test
    void fencesThatGoBackOrRepeatAreCaught() {
        op(Op.Type.ACQUIRE, Op.Outcome.OK, "a", 5, "", 0);
        op(Op.Type.ACQUIRE, Op.Outcome.OK, "b", 5, "", 0);
        op(Op.Type.ACQUIRE, Op.Outcome.OK, "c", 4, "", 0);
        List<Violation> v = check(null);
        assertOnly(2, v);
        assertTrue(v.stream().anyMatch(x -> x.message().contains("two leases")), v.toString());
        assertTrue(v.stream().anyMatch(x -> x.message().contains("fence 4 granted after fence 5")), v.toString());
    }

    @Test
    void aRenewalAfterANewerGrantIsTwoLiveLeases() {
        op(Op.Type.ACQUIRE, Op.Outcome.OK, "a", 1, "", 0);
        op(Op.Type.HEARTBEAT, Op.Outcome.OK, "a", 1, "", 0); // fine: nobody else holds it yet
        op(Op.Type.ACQUIRE, Op.Outcome.OK, "b", 2, "", 0);
        op(Op.Type.HEARTBEAT, Op.Outcome.REFUSED, "a", 1, "", 0); // fine: refused
        op(Op.Type.HEARTBEAT, Op.Outcome.OK, "a", 1, "", 0); // renewed although b holds it
        List<Violation> v = check(null);
        assertOnly(5, v);
        assertEquals(1, v.size(), v.toString());
    }

    @Test
    void oneLeaseHandedToTwoAcquireCallsIsCaught() {
        // Two workers sharing one options object that carried one request id: the second acquire was
        // answered as a retry of the first, with the holder's own lease and fence.
        ops.add(new Op(1, "w0", Op.Type.ACQUIRE, K, 0, 5, Op.Outcome.OK, "a", 1, "", 0, ""));
        ops.add(new Op(2, "w4", Op.Type.ACQUIRE, K, 10, 15, Op.Outcome.OK, "a", 1, "", 0, ""));
        List<Violation> v = check(null);
        assertOnly(2, v);
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).message().contains("two acquire calls (w0 and w4)"), v.toString());
    }

    @Test
    void aLeaseThatSaysItIsValidAfterANewerGrantIsTwoLiveLeases() {
        op(Op.Type.ACQUIRE, Op.Outcome.OK, "a", 1, "", 0);
        op(Op.Type.LEASE_VALID, Op.Outcome.OK, "a", 1, "", 0); // fine: nobody else holds it yet
        op(Op.Type.ACQUIRE, Op.Outcome.OK, "b", 2, "", 0);
        op(Op.Type.LEASE_VALID, Op.Outcome.REFUSED, "a", 1, "", 0); // fine: it knows it is lost
        op(Op.Type.LEASE_VALID, Op.Outcome.OK, "a", 1, "", 0); // the client library still calls it valid
        List<Violation> v = check(null);
        assertOnly(5, v);
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).message().contains("said it was valid"), v.toString());
    }

    @Test
    void aKeyNotAcquiredInTimeAfterTheFaultsIsALivenessViolation() {
        ops.add(new Op(1, "liveness", Op.Type.LIVENESS, K, 0, BOUND + 1, Op.Outcome.OK, "x", 9, "", 0, ""));
        ops.add(new Op(2, "liveness", Op.Type.LIVENESS, "k/1", 0, 100, Op.Outcome.REFUSED, "", 0, "", 0, "held"));
        List<Violation> v = HistoryChecker.check(ops, Map.of(), BOUND);
        assertOnly(4, v);
        assertEquals(2, v.size());
    }

    @Test
    void aCancelledUploadInTheStateIsCaught() {
        op(Op.Type.ACQUIRE, Op.Outcome.OK, "a", 1, "", 0);
        op(Op.Type.UPLOAD_CANCEL, Op.Outcome.CANCELLED, "a", 1, "c1", 0);
        op(Op.Type.WRITE, Op.Outcome.OK, "a", 1, "r1", 1);
        assertEquals(List.of(), check(state("r1", 1)));
        List<Violation> stored = check(state("c1", 1, "r1", 1));
        assertOnly(6, stored.stream().filter(v -> v.check() != 3).toList());
        assertTrue(stored.stream().anyMatch(v -> v.check() == 6 && v.message().contains("c1")), stored::toString);
    }

    @Test
    void anUploadTheClientCalledStoredAfterItsInputFailedIsCaught() {
        op(Op.Type.ACQUIRE, Op.Outcome.OK, "a", 1, "", 0);
        op(Op.Type.UPLOAD_CANCEL, Op.Outcome.OK, "a", 1, "c1", 1);
        assertOnly(6, check(null));
    }

    @Test
    void aCallFailingInACancelWindowOrAReconnectIsCaught() {
        op(Op.Type.ACQUIRE_CANCEL, Op.Outcome.CANCELLED, "", 0, "", 0);
        op(Op.Type.ACQUIRE, Op.Outcome.OK, "a", 1, "", 0);
        op(Op.Type.HEARTBEAT, Op.Outcome.UNKNOWN, "a", 1, "", 0); // 20..25 ms, in the window
        op(Op.Type.HEARTBEAT, Op.Outcome.UNKNOWN, "a", 1, "", 0); // 30..35 ms: began in it, ended after it
        Map<String, String> finals = new java.util.HashMap<>();
        finals.put(K, null);
        assertEquals(List.of(), HistoryChecker.check(ops, finals, BOUND, List.of()));
        List<Violation> failed = HistoryChecker.check(ops, finals, BOUND, List.of(new Cancels.Window(0, 32, 1, 0)));
        assertOnly(6, failed);
        assertEquals(List.of(ops.get(2)), failed.get(0).evidence(), failed::toString);
        assertEquals(1, failed.size(), failed::toString);
        assertOnly(6, HistoryChecker.check(List.of(), finals, BOUND, List.of(new Cancels.Window(0, 25, 1, 2))));
    }
}

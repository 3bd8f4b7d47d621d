package io.statelock.state.port;

import static org.assertj.core.api.Assertions.assertThat;

import io.statelock.common.LockKey;
import io.statelock.lock.LockInfo;
import io.statelock.lock.LockRecord;
import io.statelock.lock.port.AcquireResult;
import io.statelock.lock.port.LockTable;
import io.statelock.lock.port.NewLease;
import io.statelock.state.StateVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The fenced state pointer every {@link LockTable} must keep ({@link StatePointers}, docs/design.md#invariant-3). */
public abstract class StatePointerContract {
    protected static final long T0 = 1_800_000_000_000L;

    /** A lock store; every one keeps the state pointer too. */
    protected abstract LockTable table();

    private StatePointers pointers() {
        return (StatePointers) table();
    }

    private final String unique =
            "p" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    private LockKey key(String name) {
        return new LockKey(unique + "/" + name);
    }

    private LockRecord acquire(LockKey key, String leaseId, long now, long ttl) {
        AcquireResult r = table().acquire(
                        new NewLease(key, leaseId, "owner-" + leaseId, LockInfo.EMPTY, now, ttl, ""), now - 1_000);
        assertThat(r).isInstanceOf(AcquireResult.Granted.class);
        return ((AcquireResult.Granted) r).record();
    }

    private static StateVersion version(LockKey key, long seq, long fence, long serial) {
        return new StateVersion(
                key,
                seq,
                key.value() + "/~v/" + fence + "-" + seq,
                10 + seq,
                "a".repeat(64),
                "b".repeat(32),
                fence,
                T0 + seq,
                "owner",
                serial,
                serial < 0 ? "" : "lin-1",
                false);
    }

    private PointerResult move(
            LockKey key, String lease, long fence, long now, long expected, List<StateVersion> history) {
        return pointers().movePointer(new PointerMove(key, lease, fence, now, expected, history));
    }

    @Test
    void theHolderMovesThePointerAndTheHistoryReadsBackNewestFirst() {
        LockKey key = key("moves");
        LockRecord held = acquire(key, "lease-a", T0, 30_000);
        StateVersion v1 = version(key, 1, held.fenceCounter(), 5);
        StateVersion v2 = new StateVersion(key, 2, "", 0, "", "", held.fenceCounter(), T0 + 2, "", -1, "", true);

        assertThat(move(key, "lease-a", held.fenceCounter(), T0, 0, List.of(v1)))
                .isInstanceOf(PointerResult.Moved.class);
        assertThat(move(key, "lease-a", held.fenceCounter(), T0 + 1, 1, List.of(v2, v1)))
                .isInstanceOf(PointerResult.Moved.class);

        StateHistory history = pointers().stateHistory(key);
        assertThat(history.versions()).containsExactly(v2, v1);
        assertThat(history.currentSeq()).isEqualTo(2);
        assertThat(history.lock().leaseId()).isEqualTo("lease-a");
    }

    @Test
    void aStaleLeaseOrTokenOrAnExpiredLeaseDoesNotMoveThePointer() {
        LockKey key = key("stale");
        LockRecord first = acquire(key, "lease-a", T0, 1_000);
        assertThat(move(key, "lease-a", first.fenceCounter(), T0, 0, List.of(version(key, 1, 1, 1))))
                .isInstanceOf(PointerResult.Moved.class);
        // lease-a expires; lease-b takes over with a higher fence
        LockRecord second = acquire(key, "lease-b", T0 + 5_000, 30_000);

        PointerResult oldLease =
                move(key, "lease-a", first.fenceCounter(), T0 + 5_001, 1, List.of(version(key, 2, 1, 2)));
        PointerResult oldToken =
                move(key, "lease-b", first.fenceCounter(), T0 + 5_001, 1, List.of(version(key, 2, 1, 2)));
        PointerResult expired =
                move(key, "lease-b", second.fenceCounter(), T0 + 40_000, 1, List.of(version(key, 2, 2, 2)));

        assertThat(oldLease).isInstanceOf(PointerResult.LeaseLost.class);
        assertThat(((PointerResult.LeaseLost) oldLease).current().leaseId()).isEqualTo("lease-b");
        assertThat(oldToken).isInstanceOf(PointerResult.LeaseLost.class);
        assertThat(expired).isInstanceOf(PointerResult.LeaseLost.class);
        assertThat(pointers().stateHistory(key).versions())
                .extracting(StateVersion::seq)
                .containsExactly(1L);
    }

    @Test
    void aMoveDecidedAgainstAnOlderPointerIsARaceAndChangesNothing() {
        LockKey key = key("race");
        LockRecord held = acquire(key, "lease-a", T0, 30_000);
        long f = held.fenceCounter();
        assertThat(move(key, "lease-a", f, T0, 0, List.of(version(key, 1, f, 1))))
                .isInstanceOf(PointerResult.Moved.class);

        assertThat(move(key, "lease-a", f, T0, 0, List.of(version(key, 1, f, 9))))
                .isInstanceOf(PointerResult.Raced.class);
        assertThat(move(key, "lease-a", f, T0, 5, List.of(version(key, 6, f, 9))))
                .isInstanceOf(PointerResult.Raced.class);
        assertThat(pointers().stateHistory(key).versions())
                .singleElement()
                .extracting(StateVersion::serial)
                .isEqualTo(1L);
    }

    @Test
    void theHistoryIsReplacedByTheBoundedListOfTheMove() {
        LockKey key = key("bounded");
        LockRecord held = acquire(key, "lease-a", T0, 30_000);
        long f = held.fenceCounter();
        List<StateVersion> history = new ArrayList<>();
        for (int seq = 1; seq <= 5; seq++) {
            history.add(0, version(key, seq, f, seq));
            if (history.size() > 3) history.remove(3);
            assertThat(move(key, "lease-a", f, T0 + seq, seq - 1, history)).isInstanceOf(PointerResult.Moved.class);
        }
        assertThat(pointers().stateHistory(key).versions())
                .extracting(StateVersion::seq)
                .containsExactly(5L, 4L, 3L);
    }

    @Test
    void releaseAndReacquireKeepTheStatePointer() {
        LockKey key = key("survives");
        LockRecord held = acquire(key, "lease-a", T0, 30_000);
        StateVersion v1 = version(key, 1, held.fenceCounter(), -1);
        move(key, "lease-a", held.fenceCounter(), T0, 0, List.of(v1));
        table().release(key, "lease-a", io.statelock.lock.LeaseOwner.ANYONE);
        acquire(key, "lease-b", T0 + 1, 30_000);

        assertThat(pointers().stateHistory(key).versions()).containsExactly(v1);
        assertThat(pointers().stateHistory(key("never")).versions()).isEmpty();
    }
}

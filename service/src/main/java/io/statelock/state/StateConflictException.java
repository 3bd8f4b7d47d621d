package io.statelock.state;

import io.statelock.common.LockKey;
import io.statelock.common.StatelockException;
import java.util.Optional;

/**
 * The write would move Terraform state backwards (a lower serial) or replace it with another
 * lineage — a slow, retried or misdirected write — or other writes of the same lease kept moving the
 * state while it was judged. The lease is still good; nothing was stored. Not retryable until the state
 * changes: re-read it first.
 */
public final class StateConflictException extends StatelockException {
    /** Why the write was refused. */
    public enum Reason {
        SERIAL_BEHIND,
        LINEAGE_MISMATCH,
        CONCURRENT_WRITES
    }

    private final Reason reason;
    private final LockKey key;
    private final StateVersion current;
    private final long attemptedSerial;
    private final String attemptedLineage;

    private StateConflictException(
            String message,
            Reason reason,
            LockKey key,
            StateVersion current,
            long attemptedSerial,
            String attemptedLineage) {
        super(Kind.CONFLICT, message);
        this.reason = reason;
        this.key = key;
        this.current = current;
        this.attemptedSerial = attemptedSerial;
        this.attemptedLineage = attemptedLineage;
    }

    static StateConflictException serialBehind(StateVersion current, TerraformMeta attempted) {
        return new StateConflictException(
                "state of " + current.key() + " is at serial " + current.serial()
                        + "; refusing a write with the older serial " + attempted.serial(),
                Reason.SERIAL_BEHIND,
                current.key(),
                current,
                attempted.serial(),
                attempted.lineage());
    }

    static StateConflictException lineageMismatch(StateVersion current, TerraformMeta attempted) {
        return new StateConflictException(
                "state of " + current.key() + " has lineage " + current.lineage() + "; refusing a write with lineage "
                        + attempted.lineage(),
                Reason.LINEAGE_MISMATCH,
                current.key(),
                current,
                attempted.serial(),
                attempted.lineage());
    }

    static StateConflictException concurrentWrites(
            LockKey key, Optional<StateVersion> current, TerraformMeta attempted) {
        return new StateConflictException(
                "state of " + key + " kept changing under this write; retry",
                Reason.CONCURRENT_WRITES,
                key,
                current.orElse(null),
                attempted.serial(),
                attempted.lineage());
    }

    public Reason reason() {
        return reason;
    }

    public LockKey key() {
        return key;
    }

    /** The key's current version when the write was refused (empty if it has none). */
    public Optional<StateVersion> current() {
        return Optional.ofNullable(current);
    }

    /** The refused write's Terraform serial; -1 when its bytes are not Terraform state. */
    public long attemptedSerial() {
        return attemptedSerial;
    }

    /** The refused write's Terraform lineage; empty when its bytes are not Terraform state. */
    public String attemptedLineage() {
        return attemptedLineage;
    }
}

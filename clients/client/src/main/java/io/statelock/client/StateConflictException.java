package io.statelock.client;

/**
 * The service refused a state write for a reason other than the lease: a Terraform state whose serial
 * goes back or whose lineage differs, or other writes of the same lease kept moving the state
 * ({@code FAILED_PRECONDITION} with a {@code StateConflict} detail, or without a {@code LeaseLost} one).
 * Nothing was stored and the lease is still good: re-read the state ({@link #currentVersion()}) before
 * writing again; resending the same bytes gets the same answer.
 */
public final class StateConflictException extends StatelockException {
    private static final long serialVersionUID = 1L;

    /** Why the write was refused. */
    public enum Reason {
        /** The write's serial is lower than the current state's. */
        SERIAL_BEHIND,
        /** The write's lineage is not the current state's: another state, or the wrong key. */
        LINEAGE_MISMATCH,
        /** Other writes of the same lease kept moving the state while this one was judged. */
        CONCURRENT_WRITES,
        /** The service sent no (or an unknown) reason. */
        UNKNOWN
    }

    private final Reason reason;
    private final String currentVersion;
    private final long currentSerial;
    private final String currentLineage;
    private final long attemptedSerial;
    private final String attemptedLineage;

    public StateConflictException(String message, Throwable cause) {
        this(message, Reason.UNKNOWN, "", -1, "", -1, "", cause);
    }

    StateConflictException(
            String message,
            Reason reason,
            String currentVersion,
            long currentSerial,
            String currentLineage,
            long attemptedSerial,
            String attemptedLineage,
            Throwable cause) {
        super("FAILED_PRECONDITION", message, cause);
        this.reason = reason;
        this.currentVersion = currentVersion;
        this.currentSerial = currentSerial;
        this.currentLineage = currentLineage;
        this.attemptedSerial = attemptedSerial;
        this.attemptedLineage = attemptedLineage;
    }

    public Reason reason() {
        return reason;
    }

    /** The key's current version when the write was refused; empty when unknown or there is none. */
    public String currentVersion() {
        return currentVersion;
    }

    /** The current state's Terraform serial; -1 when unknown or not Terraform state. */
    public long currentSerial() {
        return currentSerial;
    }

    /** The current state's Terraform lineage; empty when unknown or not Terraform state. */
    public String currentLineage() {
        return currentLineage;
    }

    /** The refused write's Terraform serial; -1 when unknown or not Terraform state. */
    public long attemptedSerial() {
        return attemptedSerial;
    }

    /** The refused write's Terraform lineage; empty when unknown or not Terraform state. */
    public String attemptedLineage() {
        return attemptedLineage;
    }
}

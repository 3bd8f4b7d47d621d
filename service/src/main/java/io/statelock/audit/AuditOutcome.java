package io.statelock.audit;

/** How an audited operation ended: the {@code outcome} of a record, stored and logged as its label. */
public enum AuditOutcome {
    GRANTED("granted"),
    RELEASED("released"),
    /** The lease was not there to release: already released, broken, or never this caller's. */
    NOT_HELD("not-held"),
    /** A release found its lease ended by expiry. */
    EXPIRED("expired"),
    /** A force release named a fencing token that is not the holder's: nothing was broken. */
    FENCE_MISMATCH("fence-mismatch"),
    /** A break of Terraform's lock failed part-way: one mechanism may have been cleared. */
    FAILED("failed"),
    STORED("stored"),
    /** An upload that did not complete: nothing was stored. */
    REFUSED("refused"),
    ROLLED_BACK("rolled-back"),
    DELETED("deleted"),
    /** statelock removed a Terraform lock it had left behind. */
    REMOVED("removed"),
    UNAUTHENTICATED("UNAUTHENTICATED"),
    PERMISSION_DENIED("PERMISSION_DENIED");

    private final String label;

    AuditOutcome(String label) {
        this.label = label;
    }

    /** The text in the log line, the stored record and the {@code Audit} rpc's answer. */
    public String label() {
        return label;
    }
}

package io.statelock.audit;

/** What an audited operation was: the {@code action} of a record (refusals name the refused operation instead). */
enum AuditAction {
    ACQUIRE("acquire"),
    /** An acquire that replaced an expired lease. */
    TAKEOVER("takeover"),
    RELEASE("release"),
    FORCE_RELEASE("force-release"),
    TERRAFORM_FORCE_UNLOCK("terraform-force-unlock"),
    TERRAFORM_LOCK_HEALED("terraform-lock-healed"),
    PUT_STATE("put-state"),
    ROLLBACK("rollback"),
    DELETE_STATE("delete-state");

    private final String label;

    AuditAction(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}

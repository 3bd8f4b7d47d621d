package io.statelock.state;

import java.util.Optional;

/**
 * Terraform's {@code serial} and {@code lineage} of a state file (read by the {@link
 * io.statelock.state.port.TerraformMetaReader} port): both known, or {@link #NONE} for bytes that are not
 * Terraform state, which are stored as they are, unchecked.
 */
public record TerraformMeta(long serial, String lineage) {
    public static final TerraformMeta NONE = new TerraformMeta(-1, "");

    /** Terraform state must not go back in serial or change lineage (a slow retried write, or the wrong key). */
    void requireAfter(Optional<StateVersion> current) {
        // Only when both sides are Terraform state and the current one is not a tombstone.
        if (current.isEmpty()
                || current.get().tombstone()
                || !current.get().isTerraform()
                || serial < 0
                || lineage.isEmpty()) {
            return;
        }
        StateVersion c = current.get();
        if (!c.lineage().equals(lineage)) throw StateConflictException.lineageMismatch(c, this);
        if (serial < c.serial()) throw StateConflictException.serialBehind(c, this);
    }
}

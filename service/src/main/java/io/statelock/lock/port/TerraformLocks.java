package io.statelock.lock.port;

import io.statelock.common.LockKey;
import io.statelock.lock.PlainRunLock;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The locks plain Terraform runs take on the S3 backend, for the states under the configured buckets (a state's
 * statelock key is Terraform's own LockID, {@code <bucket>/<state key>}). Read from Terraform's lock table and lock
 * files, never written by a read.
 */
public interface TerraformLocks {
    /** No bucket configured: no key is a Terraform S3 state. */
    TerraformLocks NONE = new TerraformLocks() {
        @Override
        public boolean covers(String keyOrPrefix) {
            return false;
        }

        @Override
        public Optional<PlainRunLock> read(LockKey key) {
            return Optional.empty();
        }

        @Override
        public List<PlainRunLock> list(String prefix) {
            return List.of();
        }

        @Override
        public Set<PlainRunLock.Mechanism> remove(LockKey key, String id) {
            return Set.of();
        }

        @Override
        public Set<PlainRunLock.Mechanism> mechanisms() {
            return Set.of();
        }

        @Override
        public List<String> prefixes() {
            return List.of();
        }

        @Override
        public Optional<PlainRunLock> claim(PlainRunLock lock) {
            return Optional.empty();
        }
    };

    /** Whether {@code keyOrPrefix} lies inside a configured bucket ({@code <bucket>/…}): its keys are Terraform S3 states. */
    boolean covers(String keyOrPrefix);

    /** The plain run's lock on {@code key}, merged from both mechanisms; empty when there is none. */
    Optional<PlainRunLock> read(LockKey key);

    /** Every plain run's lock whose key starts with {@code prefix}, in key order. */
    List<PlainRunLock> list(String prefix);

    /**
     * Removes the lock with Terraform lock ID {@code id} from each mechanism where it still is, each with a compare on
     * that ID (a lock taken since by another run is never removed); the mechanisms it was removed from.
     */
    Set<PlainRunLock.Mechanism> remove(LockKey key, String id);

    /** The mechanisms configured: where Terraform's lock of a state is taken. */
    Set<PlainRunLock.Mechanism> mechanisms();

    /**
     * Takes Terraform's lock of {@code lock.key()} as Terraform does (the lock file first, created only if absent, then
     * the table item, written only if absent), holding {@code lock}'s LockInfo. Empty when taken; else the lock that
     * holds it already, and nothing of this claim is left behind.
     */
    Optional<PlainRunLock> claim(PlainRunLock lock);

    /** The key prefixes of the Terraform S3 states, {@code <bucket>/} for each configured bucket. */
    List<String> prefixes();
}

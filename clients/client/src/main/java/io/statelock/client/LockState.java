package io.statelock.client;

import java.time.Instant;
import java.util.Map;

/**
 * What the service says about one key: who holds it, since when, for what. Times are the
 * service's clock and are for display only; the client never uses them to judge its own lease.
 *
 * @param key the lock key
 * @param held whether a lease currently holds the key
 * @param owner the holder's owner string (empty when free)
 * @param operation the holder's declared operation, e.g. {@code apply}
 * @param who who runs it (e.g. {@code user@host})
 * @param version tool version the holder declared
 * @param path state path the holder declared
 * @param info free-form info
 * @param labels holder labels
 * @param fencingToken last fencing token issued for the key (0 if never acquired)
 * @param acquiredAt when the current lease was taken, or {@code null}
 * @param expiresAt when the current lease expires unless renewed, or {@code null}
 * @param leaseIdHint short non-secret id of the lease, for humans
 */
public record LockState(
        String key,
        boolean held,
        String owner,
        String operation,
        String who,
        String version,
        String path,
        String info,
        Map<String, String> labels,
        long fencingToken,
        Instant acquiredAt,
        Instant expiresAt,
        String leaseIdHint) {

    public LockState {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /**
     * The Terraform lock ID when a plain Terraform run holds the key (a Terraform S3 state: the service shows the
     * run's lock from Terraform's lock table or lock file), else empty. Such a lock has no lease and no expiry.
     */
    public String terraformLockId() {
        return held ? labels.getOrDefault("terraform-lock-id", "") : "";
    }

    /** Where a plain Terraform run's lock is: {@code dynamodb-table}, {@code lockfile} or both; else empty. */
    public String terraformLockMechanism() {
        return held ? labels.getOrDefault("terraform-lock", "") : "";
    }
}

package io.statelock.cli;

import picocli.CommandLine.Option;

/** The lease a command acts on: key and lease id, from flags or the variables `acquire` exports. */
final class LeaseRef {
    @Option(
            names = {"-k", "--key"},
            paramLabel = "KEY",
            defaultValue = "${env:STATELOCK_KEY}",
            description = "Lock key (env STATELOCK_KEY).")
    String key;

    @Option(
            names = "--lease-id",
            paramLabel = "ID",
            defaultValue = "${env:STATELOCK_LEASE_ID}",
            description = "Lease id from `acquire` (env STATELOCK_LEASE_ID).")
    String leaseId;

    /** Usage error (exit 64) when either is missing. */
    void require() {
        Args.require(key, "--key (or STATELOCK_KEY)");
        Args.require(leaseId, "--lease-id (or STATELOCK_LEASE_ID)");
    }
}

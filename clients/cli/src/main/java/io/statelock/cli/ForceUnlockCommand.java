package io.statelock.cli;

import io.statelock.client.ForceReleaseResult;
import io.statelock.client.StatelockClient;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "force-unlock",
        mixinStandardHelpOptions = true,
        description = {
            "Break a lock (operators; audited).",
            "The holder's lease is lost: a `statelock run` holding",
            "it stops its command and exits 76. With --fence, only while N is still the holder's",
            "token (else nothing is broken and it exits 70).",
            "A Terraform S3 state (KEY is <bucket>/<state key>) held by a plain Terraform run:",
            "its lock is broken in the DynamoDB lock table and the lock file, only while its",
            "Terraform lock ID is the one shown now (or --lock-id ID; another lock there: exit 70)."
        })
final class ForceUnlockCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KEY", description = "Lock key.")
    String key;

    @Option(names = "--reason", required = true, paramLabel = "R", description = "Why (required, audited).")
    String reason;

    @Option(
            names = "--fence",
            paramLabel = "N",
            defaultValue = "0",
            description = "Break it only if N is still the holder's fencing token.")
    long fence;

    @Option(
            names = "--lock-id",
            paramLabel = "ID",
            description = "Break a plain Terraform run's lock only if its Terraform lock ID is ID"
                    + " (default: the ID the service shows now).")
    String lockId;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Mixin
    Connection connection;

    @Override
    public Integer call() {
        Args.require(reason, "--reason");
        if (fence < 0) {
            throw new UsageException("--fence must not be negative");
        }
        try (StatelockClient client = connection.connect()) {
            ForceReleaseResult r;
            String terraformLockId = lockId != null
                    ? lockId
                    : fence == 0 ? client.admin().describe(key).terraformLockId() : "";
            try {
                r = terraformLockId.isEmpty()
                        ? client.admin().forceRelease(key, reason, fence)
                        : client.admin().forceUnlockTerraform(key, reason, terraformLockId);
            } catch (io.statelock.client.LeaseLostException e) {
                String now = e.current() != null ? " (now " + Output.holder(e.current(), Instant.now()) + ")" : "";
                System.err.println(
                        "statelock: not broken: fencing token " + fence + " is no longer the holder's of " + key + now);
                return ExitCodes.OTHER;
            }
            if (json) {
                Output.json(System.out, Output.forceRelease(key, r));
            } else if (r.released()) {
                String prev = r.previous() != null ? Output.holder(r.previous(), Instant.now()) : "a lease";
                System.out.println(key + ": lock broken (was " + prev + ")");
            } else if (!terraformLockId.isEmpty()
                    && r.previous() != null
                    && r.previous().held()) {
                // Another lock holds the key now: nobody chose to break that one (as a --fence that no longer matches).
                System.err.println("statelock: not broken: Terraform lock ID " + terraformLockId + " no longer holds "
                        + key + " (now " + Output.holder(r.previous(), Instant.now()) + ")");
                return ExitCodes.OTHER;
            } else {
                System.out.println(key + ": was not held, nothing to break");
            }
            return ExitCodes.OK;
        }
    }
}

package io.statelock.cli;

import io.statelock.client.LeaseGrant;
import io.statelock.client.StatelockClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "acquire",
        mixinStandardHelpOptions = true,
        description = {
            "Acquire a lease and print it (for pipelines that cannot wrap a command).",
            "",
            "The lease is not kept alive by this command: renew it with `heartbeat` well within its ttl and end it with `release`.",
            "Text output is shell-friendly: eval \"$(statelock acquire --key K)\" sets STATELOCK_KEY,",
            "STATELOCK_LEASE_ID and STATELOCK_FENCING_TOKEN, which `heartbeat` and `release` read."
        })
final class AcquireCommand implements Callable<Integer> {
    @Mixin
    AcquireOptionsMixin lock;

    @Mixin
    Connection connection;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(
            names = "--request-id",
            paramLabel = "ID",
            description = {
                "Idempotency key for a pipeline that re-runs this step after a lost answer (e.g. the job id):",
                "an acquire with the same ID and owner, while the lease it got is live, gets that same lease back.",
                "Never give two different jobs one ID. Default: a fresh random id for this invocation."
            })
    String requestId;

    @Override
    public Integer call() {
        var options = lock.toOptions(requestId);
        try (StatelockClient client = connection.connect()) {
            LeaseGrant grant;
            if (lock.wait.isZero()) {
                grant = client.locks().acquireDetached(lock.key, options);
            } else {
                try (WaitProgress p =
                        WaitProgress.start(client, lock.key, lock.wait, lock.progressInterval, System.err)) {
                    grant = client.locks().acquireDetached(lock.key, options);
                }
            }
            if (json) {
                Output.json(System.out, Output.lease(grant));
            } else {
                Output.leaseText(System.out, grant);
            }
            return ExitCodes.OK;
        }
    }
}

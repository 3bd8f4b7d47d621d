package io.statelock.cli;

import io.statelock.client.LeaseGrant;
import io.statelock.client.StatelockClient;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "heartbeat",
        mixinStandardHelpOptions = true,
        description = "Renew a lease once (exit 76 if it is already lost).")
final class HeartbeatCommand implements Callable<Integer> {
    @Mixin
    LeaseRef lease;

    @Option(
            names = "--ttl",
            paramLabel = "DURATION",
            converter = Durations.class,
            description = "New ttl (default: keep the lease's ttl).")
    Duration ttl;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Mixin
    Connection connection;

    @Override
    public Integer call() {
        lease.require();
        try (StatelockClient client = connection.connect()) {
            LeaseGrant g = client.locks().heartbeat(lease.key, lease.leaseId, ttl);
            if (json) {
                Output.json(System.out, Output.lease(g));
            } else {
                Output.leaseText(System.out, g);
            }
            return ExitCodes.OK;
        }
    }
}

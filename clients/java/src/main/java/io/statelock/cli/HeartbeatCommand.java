package io.statelock.cli;

import io.statelock.client.LeaseGrant;
import io.statelock.client.StatelockClient;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "heartbeat", mixinStandardHelpOptions = true,
    description = "Renew a lease once (exit 76 if it is already lost).")
final class HeartbeatCommand implements Callable<Integer> {
  @Option(names = {"-k", "--key"}, paramLabel = "KEY", defaultValue = "${env:STATELOCK_KEY}",
      description = "Lock key (env STATELOCK_KEY).")
  String key;

  @Option(names = "--lease-id", paramLabel = "ID", defaultValue = "${env:STATELOCK_LEASE_ID}",
      description = "Lease id from `acquire` (env STATELOCK_LEASE_ID).")
  String leaseId;

  @Option(names = "--ttl", paramLabel = "DURATION", converter = Durations.class,
      description = "New ttl (default: keep the lease's ttl).")
  Duration ttl;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Mixin Connection connection;

  @Override
  public Integer call() {
    Args.require(key, "--key (or STATELOCK_KEY)");
    Args.require(leaseId, "--lease-id (or STATELOCK_LEASE_ID)");
    try (StatelockClient client = connection.connect()) {
      LeaseGrant g = client.heartbeat(key, leaseId, ttl);
      if (json) {
        Output.json(System.out, Output.lease(g));
      } else {
        Output.leaseText(System.out, g);
      }
      return ExitCodes.OK;
    }
  }
}

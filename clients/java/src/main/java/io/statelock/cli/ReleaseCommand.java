package io.statelock.cli;

import io.statelock.client.StatelockClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "release", mixinStandardHelpOptions = true,
    description = {
        "Release a lease.",
        "Idempotent: a lease that was no longer held prints released=false",
        "(with a warning) and still exits 0."
    })
final class ReleaseCommand implements Callable<Integer> {
  @Option(names = {"-k", "--key"}, paramLabel = "KEY", defaultValue = "${env:STATELOCK_KEY}",
      description = "Lock key (env STATELOCK_KEY).")
  String key;

  @Option(names = "--lease-id", paramLabel = "ID", defaultValue = "${env:STATELOCK_LEASE_ID}",
      description = "Lease id from `acquire` (env STATELOCK_LEASE_ID).")
  String leaseId;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Mixin Connection connection;

  @Override
  public Integer call() {
    Args.require(key, "--key (or STATELOCK_KEY)");
    Args.require(leaseId, "--lease-id (or STATELOCK_LEASE_ID)");
    try (StatelockClient client = connection.connect()) {
      boolean released = client.release(key, leaseId);
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", key);
        m.put("released", released);
        Output.json(System.out, m);
      } else {
        System.out.println(key + ": " + (released ? "released" : "not released (that lease was no longer held)"));
      }
      if (!released) {
        System.err.println("statelock: warning: the lease on " + key
            + " was no longer held when released (expired or broken earlier)");
      }
      return ExitCodes.OK;
    }
  }
}

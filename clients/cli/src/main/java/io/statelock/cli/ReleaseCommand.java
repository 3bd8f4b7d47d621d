package io.statelock.cli;

import io.statelock.client.StatelockClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "release",
        mixinStandardHelpOptions = true,
        description = {
            "Release a lease.",
            "Idempotent: a lease that was no longer held prints released=false",
            "(with a warning) and still exits 0."
        })
final class ReleaseCommand implements Callable<Integer> {
    @Mixin
    LeaseRef lease;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Mixin
    Connection connection;

    @Override
    public Integer call() {
        lease.require();
        try (StatelockClient client = connection.connect()) {
            boolean released = client.locks().release(lease.key, lease.leaseId);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("key", lease.key);
                m.put("released", released);
                Output.json(System.out, m);
            } else {
                System.out.println(
                        lease.key + ": " + (released ? "released" : "not released (that lease was no longer held)"));
            }
            if (!released) {
                System.err.println("statelock: warning: the lease on " + lease.key
                        + " was no longer held when released (expired or broken earlier)");
            }
            return ExitCodes.OK;
        }
    }
}

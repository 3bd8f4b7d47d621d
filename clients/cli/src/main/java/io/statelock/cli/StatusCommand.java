package io.statelock.cli;

import io.statelock.client.LockState;
import io.statelock.client.StatelockClient;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show who holds KEY, since when, for what (read-only; exits 0 whether held or not).")
final class StatusCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KEY", description = "Lock key.")
    String key;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Mixin
    Connection connection;

    @Override
    public Integer call() {
        try (StatelockClient client = connection.connect()) {
            LockState s = client.admin().describe(key);
            if (json) {
                Output.json(System.out, Output.lockState(s));
            } else {
                Output.statusText(System.out, s, Instant.now());
            }
            return ExitCodes.OK;
        }
    }
}

package io.statelock.cli;

import io.statelock.client.LockState;
import io.statelock.client.StatelockClient;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List locks by key prefix.")
final class ListCommand implements Callable<Integer> {
    @Option(names = "--prefix", paramLabel = "P", defaultValue = "", description = "Key prefix (default: all).")
    String prefix;

    @Option(names = "--held", description = "Only locks that are held now.")
    boolean held;

    @Option(names = "--json", description = "Print JSON (an array).")
    boolean json;

    @Mixin
    Connection connection;

    @Override
    public Integer call() {
        try (StatelockClient client = connection.connect()) {
            List<LockState> locks = client.admin().listAll(prefix, held);
            if (json) {
                Output.json(System.out, locks.stream().map(Output::lockState).toList());
            } else {
                Output.listText(System.out, locks, Instant.now());
            }
            return ExitCodes.OK;
        }
    }
}

package io.statelock.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The benchmark's command-line options and the sizes and durations of each mode; see {@link #usage()}. */
final class Options {
    boolean quick;
    Path repo = Path.of(".");
    Path out;
    String service; // external service host:port
    String servicePid = "-1"; // one per --service address, comma-separated
    String storeLabel = "external";
    String dynamodb; // external DynamoDB-API endpoint for the floor
    String etcd; // external etcd endpoint
    String etcdBinary = "etcd";
    boolean noEtcd;
    List<String> stores = List.of("embedded", "dynamodb");
    String command = "clients/bench/run.sh";
    int[] leases; // --leases 1000,10000 overrides the mode's
    int[] clients; // --clients 16 overrides the uncontended points
    // Each way, in front of dynalite for a second service and floor (about in-region DynamoDB); 0: none.
    double storeLatencyMs = 2.5;
    // --scenarios picks some of these (an A/B run of one change needs only the uncontended point it moves)
    List<String> scenarios = List.of("uncontended", "handoff", "waiting", "keepalive");

    int[] clients() {
        return clients != null ? clients : new int[] {1, 4, 16, 64};
    }

    boolean runs(String scenario) {
        return scenarios.contains(scenario);
    }

    int[] waiters() {
        return new int[] {1, 8, 64};
    }

    int[] leases() {
        if (leases != null) return leases;
        return quick ? new int[] {1000} : new int[] {1000, 100_000};
    }

    int memoryWaiters() {
        return quick ? 100 : 1000;
    }

    Scenarios.Timing timing() {
        return quick ? new Scenarios.Timing(1, 2) : new Scenarios.Timing(2, 6);
    }

    /** Warm-up rounds per system: at least, at most (the JIT of the service and of this JVM settles in between). */
    WarmUp.Rounds warmUp() {
        return quick ? new WarmUp.Rounds(2, 4) : new WarmUp.Rounds(4, 18);
    }

    /**
     * A statelock service on DynamoDB: its JIT (the AWS SDK's paths) goes on taking CPU off each cycle for minutes,
     * with flat stretches that look settled; at least two minutes before anything is measured.
     */
    WarmUp.Rounds warmUp(SystemUnderTest s) {
        boolean sdk = s.system.equals("statelock") && s.store.startsWith("dynamodb");
        return sdk && !quick ? new WarmUp.Rounds(24, 36) : warmUp();
    }

    double renewSeconds() {
        return quick ? 10 : 20;
    }

    double waitWindowSeconds() {
        return quick ? 5 : 10;
    }

    static String usage() {
        return """
                usage: run.sh [--quick] [--stores embedded,dynamodb] [--no-etcd]
                              [--service HOST:PORT[,HOST:PORT] [--service-pid PID[,PID]] [--store-label NAME[,NAME]]
                               [--dynamodb URL]]
                              [--etcd URL | --etcd-binary PATH] [--leases 1000,10000] [--out DIR]
                              [--scenarios uncontended,handoff,waiting,keepalive] [--clients 1,4,16,64]
                              [--store-latency-ms 2.5]
                  Without --service it starts the packaged service (service/target/quarkus-app), dynalite and etcd itself.""";
    }

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> o.quick = true;
                case "--repo" -> o.repo = Path.of(args[++i]);
                case "--out" -> o.out = Path.of(args[++i]);
                case "--service" -> o.service = args[++i];
                case "--service-pid" -> o.servicePid = args[++i];
                case "--store-label" -> o.storeLabel = args[++i];
                case "--dynamodb" -> o.dynamodb = args[++i];
                case "--etcd" -> o.etcd = args[++i];
                case "--etcd-binary" -> o.etcdBinary = args[++i];
                case "--no-etcd" -> o.noEtcd = true;
                case "--stores" -> o.stores = Arrays.asList(args[++i].split(","));
                case "--command" -> o.command = args[++i];
                case "--leases" -> o.leases = ints(args[++i]);
                case "--clients" -> o.clients = ints(args[++i]);
                case "--store-latency-ms" -> o.storeLatencyMs = Double.parseDouble(args[++i]);
                case "--scenarios" -> o.scenarios = Arrays.asList(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
            }
        }
        for (String sc : o.scenarios) {
            if (!List.of("uncontended", "handoff", "waiting", "keepalive").contains(sc))
                throw new IllegalArgumentException("unknown scenario " + sc + "\n" + usage());
        }
        if (o.out == null) o.out = o.repo.resolve("clients/bench/results");
        return o;
    }

    private static int[] ints(String list) {
        return Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
    }
}

package io.statelock.harness;

import io.statelock.client.StatelockClient;
import io.statelock.testing.FaultProxy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The system under test: the two store servers and the service replicas (replica 0 skips the fence
 * check in broken mode), each replica with its client and store links, and one client per replica.
 */
final class Cluster implements AutoCloseable {
    private final StoreServers stores;
    private final List<Replica> replicas = new ArrayList<>();
    private final List<StatelockClient> clients = new ArrayList<>();

    /**
     * @param offsets the clock offset each replica starts with
     * @param clock   harness time, for the store crashes recorded
     */
    Cluster(Layout layout, Path dir, int replicaCount, boolean broken, List<Duration> offsets, LongSupplier clock)
            throws IOException {
        this.stores = new StoreServers(layout, dir, clock);
        for (int i = 0; i < replicaCount; i++) {
            replicas.add(new Replica(i, layout, dir, stores, broken && i == 0, offsets.get(i)));
        }
    }

    void start() throws Exception {
        stores.start();
        // All at once: the service's table creation tolerates a concurrent create (ResourceInUse).
        List<Parallel.Step> starts = new ArrayList<>();
        replicas.forEach(r -> starts.add(r::start));
        Parallel.run(starts);
        replicas.forEach(r -> clients.add(client(r)));
    }

    /**
     * A client through the replica's client link: 3 s per call (a stalled link shows up as an unknown
     * outcome rather than hanging a worker), UNAVAILABLE retried for 2 s (acquire stays idempotent).
     */
    static StatelockClient client(Replica r) {
        return StatelockClient.builder()
                .target(r.target())
                .plaintext()
                .callTimeout(Duration.ofSeconds(3))
                .retryTimeout(Duration.ofSeconds(2))
                .build();
    }

    StoreServers stores() {
        return stores;
    }

    int replicaCount() {
        return replicas.size();
    }

    Replica replica(int i) {
        return replicas.get(i);
    }

    List<Replica> replicas() {
        return List.copyOf(replicas);
    }

    /** One shared client per replica, in replica order. */
    List<StatelockClient> clients() {
        return List.copyOf(clients);
    }

    /** Every link a network fault may hit: clients to replicas and replicas to both stores. */
    List<FaultProxy> links() {
        List<FaultProxy> all = new ArrayList<>();
        replicas.forEach(r -> all.addAll(r.links()));
        return all;
    }

    /** Store answers dropped by lost-response faults, on every link. */
    int answersLost() {
        return links().stream().mapToInt(p -> p.lost().size()).sum();
    }

    @Override
    public void close() throws InterruptedException {
        clients.forEach(StatelockClient::close);
        for (Replica r : replicas) {
            r.close();
        }
        stores.close();
    }
}

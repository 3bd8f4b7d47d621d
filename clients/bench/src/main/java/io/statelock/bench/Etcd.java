package io.statelock.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lock.LockResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The peer: etcd through jetcd's own Lock and Lease APIs (a lease of 30 s per client, as statelock's ttl). */
final class Etcd implements AutoCloseable {
    final Client client;

    Etcd(String endpoint) {
        this.client = Client.builder().endpoints(endpoint).build();
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    long grant(long ttlSeconds) throws Exception {
        return client.getLeaseClient()
                .grant(ttlSeconds)
                .get(30, TimeUnit.SECONDS)
                .getID();
    }

    Systems.CyclerFactory cyclers() {
        return index -> {
            long lease = grant(30);
            return key -> {
                LockResponse locked =
                        client.getLockClient().lock(bytes(key), lease).get(30, TimeUnit.SECONDS);
                client.getLockClient().unlock(locked.getKey()).get(30, TimeUnit.SECONDS);
            };
        };
    }

    Systems.WaiterFactory waiters() {
        return index -> {
            long lease = grant(30);
            return new Systems.Waiter() {
                @Override
                public Object lock(String key) throws Exception {
                    return client.getLockClient()
                            .lock(bytes(key), lease)
                            .get(40, TimeUnit.SECONDS)
                            .getKey();
                }

                @Override
                public void unlock(Object handle) throws Exception {
                    client.getLockClient().unlock((ByteSequence) handle).get(30, TimeUnit.SECONDS);
                }
            };
        };
    }

    @Override
    public void close() {
        client.close();
    }
}

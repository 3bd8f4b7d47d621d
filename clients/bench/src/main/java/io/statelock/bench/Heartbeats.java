package io.statelock.bench;

import io.grpc.stub.StreamObserver;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.HeartbeatRequest;
import io.statelock.proto.v1.HeartbeatResponse;
import io.statelock.proto.v1.ReleaseRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N held leases renewed at a third of their ttl over KeepAlive: S streams, each renewing its share of the
 * leases in turn, paced evenly over the period (one request in flight per stream).
 */
final class Heartbeats {
    /** The etcd comparison's period: its leases' ttl is 30 s. */
    static final long PERIOD_NANOS = 10_000_000_000L;

    final List<AcquireResponse> leases = new ArrayList<>();
    final Latency latency = new Latency();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong renewals = new AtomicLong();
    double acquireSeconds;

    private final StatelockClients clients;
    private final long ttlSeconds;
    /** ttl / 3: a renewal that comes late by up to two periods still finds its lease. */
    final long periodNanos;

    Heartbeats(StatelockClients clients, long ttlSeconds) {
        this.clients = clients;
        this.ttlSeconds = ttlSeconds;
        this.periodNanos = ttlSeconds * 1_000_000_000L / 3;
    }

    /** Acquires N leases with 16 concurrent clients. */
    void acquire(int n, String prefix) throws Exception {
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<AcquireResponse>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = prefix + "/k" + i + "/terraform.tfstate";
            int index = i;
            futures.add(pool.submit(() -> clients.blocking(index)
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .acquire(StatelockClients.acquire(key, "bench-hb", 0).toBuilder()
                            .setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(ttlSeconds))
                            .build())));
        }
        for (Future<AcquireResponse> f : futures) leases.add(f.get());
        pool.shutdown();
        acquireSeconds = (System.nanoTime() - start) / 1e9;
    }

    /** Renews every lease each period for {@code seconds}; returns the measured seconds. */
    double renew(int streams, double seconds) throws Exception {
        long start = System.nanoTime() + 100_000_000L;
        long end = start + (long) (seconds * 1e9);
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            List<AcquireResponse> mine = new ArrayList<>();
            for (int i = s; i < leases.size(); i += streams) mine.add(leases.get(i));
            int stream = s;
            Thread t = new Thread(() -> runStream(stream, mine, start, end, streams), "keepalive-" + s);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join();
        // Measured, not planned: a stream behind its schedule sends its overdue renewals after the planned end.
        return (System.nanoTime() - start) / 1e9;
    }

    private void runStream(int stream, List<AcquireResponse> mine, long start, long end, int streams) {
        if (mine.isEmpty()) return;
        LinkedBlockingQueue<Object> answers = new LinkedBlockingQueue<>();
        StreamObserver<HeartbeatRequest> requests = clients.async(stream).keepAlive(new StreamObserver<>() {
            @Override
            public void onNext(HeartbeatResponse value) {
                answers.add(value);
            }

            @Override
            public void onError(Throwable t) {
                answers.add(t);
            }

            @Override
            public void onCompleted() {
                answers.add("completed");
            }
        });
        // Streams are offset from each other so the renewals spread evenly over the period.
        long slot = periodNanos / mine.size();
        long offset = slot * stream / streams;
        try {
            for (long round = 0; ; round++) {
                for (int i = 0; i < mine.size(); i++) {
                    long due = start + round * periodNanos + i * slot + offset;
                    if (due >= end) return;
                    Scenarios.sleepUntil(due);
                    AcquireResponse lease = mine.get(i);
                    long sent = System.nanoTime();
                    requests.onNext(HeartbeatRequest.newBuilder()
                            .setKey(lease.getKey())
                            .setLeaseId(lease.getLeaseId())
                            .build());
                    Object answer = answers.poll(10, TimeUnit.SECONDS);
                    if (answer instanceof HeartbeatResponse) {
                        latency.record(System.nanoTime() - sent);
                        renewals.incrementAndGet();
                    } else {
                        failures.incrementAndGet();
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            requests.onCompleted();
        }
    }

    void releaseAll() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < leases.size(); i++) {
            AcquireResponse lease = leases.get(i);
            int index = i;
            futures.add(pool.submit(() -> clients.blocking(index)
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .release(ReleaseRequest.newBuilder()
                            .setKey(lease.getKey())
                            .setLeaseId(lease.getLeaseId())
                            .build())));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (Exception ignored) {
                // a lease that expired meanwhile is simply gone
            }
        }
        pool.shutdown();
    }
}

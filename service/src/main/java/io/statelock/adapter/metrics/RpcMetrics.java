package io.statelock.adapter.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Figures at the API edge: latency histograms of every lock and state call (Watch streams aside) by
 * status code ({@code statelock_rpc_duration_seconds}), lease-lost answers and heartbeat failures.
 * Transport-neutral: the gRPC adapter passes its status code names.
 */
public final class RpcMetrics {
    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public RpcMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A finished call of {@code rpc} (acquire, heartbeat, keep_alive, release, get_state, ...) with its status code. */
    public void completed(String rpc, String code, long startNanos) {
        timers.computeIfAbsent(
                        rpc + '/' + code,
                        k -> Timer.builder("statelock.rpc.duration")
                                .description(
                                        "Latency of lock and state calls at the API edge (acquire includes waiting)")
                                .tag("rpc", rpc)
                                .tag("code", code)
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofMillis(1))
                                .maximumExpectedValue(Duration.ofSeconds(60))
                                .register(registry))
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    /** A call answered with an error: counts lease-lost answers and failed heartbeats. */
    public void failed(String rpc, String code, boolean leaseLost) {
        if (leaseLost) {
            counter(
                            "statelock.lease.lost.answers",
                            "Calls answered lease lost (FAILED_PRECONDITION with LeaseLost)",
                            rpc,
                            code)
                    .increment();
        }
        if (rpc.equals("heartbeat") || rpc.equals("keep_alive")) {
            counter("statelock.heartbeat.failures", "Heartbeats that did not renew their lease", rpc, code)
                    .increment();
        }
    }

    private Counter counter(String name, String description, String rpc, String code) {
        return counters.computeIfAbsent(
                name + '/' + rpc + '/' + code,
                k -> Counter.builder(name)
                        .description(description)
                        .tag("rpc", rpc)
                        .tag("code", code)
                        .register(registry));
    }
}

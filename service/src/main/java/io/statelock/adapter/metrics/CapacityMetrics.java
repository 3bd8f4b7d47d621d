package io.statelock.adapter.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The capacity the store reports for each call ({@code ReturnConsumedCapacity}), as two counters:
 * {@code statelock_dynamodb_consumed_write_units_total} and {@code statelock_dynamodb_consumed_read_units_total},
 * tagged {@code operation} (acquire, heartbeat, release, state_write, list, ...), {@code call} (the SDK call) and
 * {@code on} ({@code table} or the index's name). On-demand DynamoDB bills exactly these units.
 */
public final class CapacityMetrics {
    static final String WRITE = "statelock.dynamodb.consumed.write.units";
    static final String READ = "statelock.dynamodb.consumed.read.units";

    private final MeterRegistry registry;
    // One lookup per (kind, operation, call, on), cached: the hot path does one map get per counter.
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public CapacityMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void consumed(String operation, String call, String on, double readUnits, double writeUnits) {
        if (writeUnits > 0) counter(WRITE, operation, call, on).increment(writeUnits);
        if (readUnits > 0) counter(READ, operation, call, on).increment(readUnits);
    }

    private Counter counter(String name, String operation, String call, String on) {
        return counters.computeIfAbsent(
                name + '\0' + operation + '\0' + call + '\0' + on,
                k -> Counter.builder(name)
                        .description(
                                name.equals(WRITE)
                                        ? "DynamoDB write capacity units consumed"
                                        : "DynamoDB read capacity units consumed")
                        .tag("operation", operation)
                        .tag("call", call)
                        .tag("on", on)
                        .register(registry));
    }
}

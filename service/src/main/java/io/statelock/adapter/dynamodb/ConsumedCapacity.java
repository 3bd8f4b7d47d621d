package io.statelock.adapter.dynamodb;

import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Capacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Asks DynamoDB what every item call cost ({@code ReturnConsumedCapacity: INDEXES}) and hands the units to a
 * {@link Listener}: by statelock operation (the purpose {@link DynamoErrors} names for the call running on this
 * thread, e.g. {@code acquire}, {@code heartbeat}, {@code state_write}, {@code list}), by SDK call, and by where
 * they were spent: {@code table}, or the index's name. Registered on the SDK client by its class name
 * ({@code quarkus.dynamodb.interceptors}); boot supplies the instance with its listener.
 */
public final class ConsumedCapacity implements ExecutionInterceptor {
    /** Receives the units of one SDK call. */
    @FunctionalInterface
    public interface Listener {
        void consumed(String operation, String call, String on, double readUnits, double writeUnits);
    }

    private static final ThreadLocal<String> OPERATION = new ThreadLocal<>();
    private final Listener listener;

    public ConsumedCapacity(Listener listener) {
        this.listener = listener;
    }

    /** Runs {@code body} with its SDK calls counted under {@code operation}. */
    static <T> T during(String operation, Supplier<T> body) {
        String outer = OPERATION.get();
        OPERATION.set(operation);
        try {
            return body.get();
        } finally {
            if (outer == null) OPERATION.remove();
            else OPERATION.set(outer);
        }
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest r = context.request();
        ReturnConsumedCapacity all = ReturnConsumedCapacity.INDEXES;
        if (r instanceof GetItemRequest g)
            return g.toBuilder().returnConsumedCapacity(all).build();
        if (r instanceof UpdateItemRequest u)
            return u.toBuilder().returnConsumedCapacity(all).build();
        if (r instanceof PutItemRequest p)
            return p.toBuilder().returnConsumedCapacity(all).build();
        if (r instanceof DeleteItemRequest d)
            return d.toBuilder().returnConsumedCapacity(all).build();
        if (r instanceof QueryRequest q)
            return q.toBuilder().returnConsumedCapacity(all).build();
        if (r instanceof ScanRequest s)
            return s.toBuilder().returnConsumedCapacity(all).build();
        if (r instanceof BatchGetItemRequest b)
            return b.toBuilder().returnConsumedCapacity(all).build();
        if (r instanceof BatchWriteItemRequest w)
            return w.toBuilder().returnConsumedCapacity(all).build();
        return r;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        List<software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity> spent = spent(context.response());
        if (spent.isEmpty()) return;
        String call = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        String operation = OPERATION.get() == null ? call : OPERATION.get();
        boolean write = !(context.response() instanceof GetItemResponse
                || context.response() instanceof QueryResponse
                || context.response() instanceof ScanResponse
                || context.response() instanceof BatchGetItemResponse);
        for (var c : spent) {
            if (c.table() != null
                    || (c.globalSecondaryIndexes() == null
                            || c.globalSecondaryIndexes().isEmpty())) {
                // The table's own part; a server that answers only the total (dynalite does) spends it all there.
                double units =
                        c.table() != null ? units(c.table()) : (c.capacityUnits() == null ? 0 : c.capacityUnits());
                report(operation, call, "table", write, units);
            }
            if (c.globalSecondaryIndexes() != null) {
                c.globalSecondaryIndexes().forEach((index, cap) -> report(operation, call, index, write, units(cap)));
            }
        }
    }

    private void report(String operation, String call, String on, boolean write, double units) {
        listener.consumed(operation, call, on, write ? 0 : units, write ? units : 0);
    }

    private static double units(Capacity c) {
        return c.capacityUnits() == null ? 0 : c.capacityUnits();
    }

    private static List<software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity> spent(SdkResponse r) {
        software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity one = null;
        if (r instanceof GetItemResponse g) one = g.consumedCapacity();
        else if (r instanceof UpdateItemResponse u) one = u.consumedCapacity();
        else if (r instanceof PutItemResponse p) one = p.consumedCapacity();
        else if (r instanceof DeleteItemResponse d) one = d.consumedCapacity();
        else if (r instanceof QueryResponse q) one = q.consumedCapacity();
        else if (r instanceof ScanResponse s) one = s.consumedCapacity();
        else if (r instanceof BatchGetItemResponse b && b.hasConsumedCapacity()) return b.consumedCapacity();
        else if (r instanceof BatchWriteItemResponse w && w.hasConsumedCapacity()) return w.consumedCapacity();
        return one == null ? List.of() : List.of(one);
    }

    /** The purpose in a call's label: "UpdateItem (acquire: segment registry)" counts as {@code acquire}. */
    static String purpose(String label) {
        int open = label.indexOf('(');
        if (open < 0) return null;
        int end = label.length();
        for (char c : new char[] {':', ')'}) {
            int at = label.indexOf(c, open);
            if (at >= 0) end = Math.min(end, at);
        }
        return label.substring(open + 1, end).trim().replace(' ', '_');
    }
}

package io.statelock.testing;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One HTTP/1.1 request to a store as a {@link FaultProxy} saw it: its request line and headers, enough to say
 * what it is (a DynamoDB operation from {@code X-Amz-Target}, or an S3 method and path), whether it writes, and
 * which attempt of an AWS SDK call it is.
 */
public record StoreRequest(String method, String target, Map<String, String> headers) {
    private static final Set<String> DYNAMODB_WRITES = Set.of("UpdateItem", "PutItem", "DeleteItem", "BatchWriteItem");

    /** Parses a request head (the request line and headers); header names are lower-cased. */
    public static StoreRequest parse(String head) {
        String[] lines = head.split("\r\n");
        String[] start = lines[0].split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        return new StoreRequest(start[0], start.length > 1 ? start[1] : "", Map.copyOf(headers));
    }

    /** The DynamoDB operation ({@code X-Amz-Target: DynamoDB_20120810.UpdateItem}), or "". */
    public String dynamoOperation() {
        String amzTarget = headers.getOrDefault("x-amz-target", "");
        return amzTarget.substring(amzTarget.indexOf('.') + 1);
    }

    public boolean isDynamo(String operation) {
        return operation.equals(dynamoOperation());
    }

    /** True when the store changes something if it acts on the request. */
    public boolean write() {
        String op = dynamoOperation();
        return op.isEmpty() ? !method.equals("GET") && !method.equals("HEAD") : DYNAMODB_WRITES.contains(op);
    }

    /**
     * Which attempt of one SDK call this is: the AWS SDK numbers them in {@code amz-sdk-request: attempt=N; max=M}
     * (1 when the header is missing), so a rule can lose a first attempt's answer and let the retry through.
     */
    public int attempt() {
        for (String part : headers.getOrDefault("amz-sdk-request", "").split(";")) {
            String p = part.trim();
            if (p.startsWith("attempt=")) return Integer.parseInt(p.substring("attempt=".length()));
        }
        return 1;
    }

    public boolean isFirstAttempt() {
        return attempt() == 1;
    }

    /** An S3 PutObject (a PUT of an object key, not of a bucket). */
    public boolean isS3Put() {
        return method.equals("PUT") && path().indexOf('/', 1) > 0;
    }

    /** For logs and fault reports: the DynamoDB operation ({@code UpdateItem}), or the method and path. */
    public String name() {
        String op = dynamoOperation();
        if (!op.isEmpty()) return op;
        String shown = method + " " + path();
        return shown.length() > 80 ? shown.substring(0, 80) : shown;
    }

    @Override
    public String toString() {
        return name();
    }

    private String path() {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }
}

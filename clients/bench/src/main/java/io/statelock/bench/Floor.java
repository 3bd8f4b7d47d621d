package io.statelock.bench;

import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The floor: the same conditional UpdateItem the service makes for acquire and for release, sent
 * straight to the same DynamoDB endpoint and table from this JVM (AWS SDK v2, apache client, as
 * the service). No service in between: what is left is the cost of the store itself.
 */
final class Floor implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ACQUIRE =
            "SET #seg = :seg, #leaseId = :lease, #acquiredAt = :now, #expiresAt = :expires,"
                    + " #ttlMs = :ttl, #owner = :owner REMOVE #info, #requestId ADD #fence :one";
    private static final String CLEAR = "REMOVE #leaseId, #owner, #info, #acquiredAt, #expiresAt, #ttlMs, #requestId";
    private static final Map<String, String> NAMES = Map.of(
            "#seg",
            "seg",
            "#leaseId",
            "leaseId",
            "#acquiredAt",
            "acquiredAt",
            "#expiresAt",
            "expiresAt",
            "#ttlMs",
            "ttlMs",
            "#owner",
            "owner",
            "#info",
            "info",
            "#requestId",
            "requestId",
            "#fence",
            "fence");
    private static final Map<String, String> CLEAR_NAMES = Map.of(
            "#leaseId",
            "leaseId",
            "#owner",
            "owner",
            "#info",
            "info",
            "#acquiredAt",
            "acquiredAt",
            "#expiresAt",
            "expiresAt",
            "#ttlMs",
            "ttlMs",
            "#requestId",
            "requestId");

    private final DynamoDbClient client;
    private final String table;

    Floor(String endpoint, String table) {
        this.client = DynamoDbClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(128))
                .build();
        this.table = table;
    }

    private static String leaseId() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** One conditional acquire write, exactly as the service's DynamoDB adapter makes it; returns the lease id. */
    String acquire(String key, String owner) {
        long now = System.currentTimeMillis();
        String lease = leaseId();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":seg", AttributeValue.fromS(key.substring(0, key.indexOf('/'))));
        values.put(":lease", AttributeValue.fromS(lease));
        values.put(":now", AttributeValue.fromN(Long.toString(now)));
        values.put(":expires", AttributeValue.fromN(Long.toString(now + 30_000)));
        values.put(":ttl", AttributeValue.fromN("30000"));
        values.put(":owner", AttributeValue.fromS(owner));
        values.put(":one", AttributeValue.fromN("1"));
        values.put(":takeoverBefore", AttributeValue.fromN(Long.toString(now - 1000)));
        client.updateItem(b -> b.tableName(table)
                .key(Map.of("key", AttributeValue.fromS(key)))
                .updateExpression(ACQUIRE)
                .conditionExpression("attribute_not_exists(#leaseId) OR #expiresAt < :takeoverBefore")
                .expressionAttributeNames(NAMES)
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_OLD));
        return lease;
    }

    /** One conditional release write, as the service makes it. */
    void release(String key, String lease) {
        client.updateItem(b -> b.tableName(table)
                .key(Map.of("key", AttributeValue.fromS(key)))
                .updateExpression(CLEAR)
                .conditionExpression("#leaseId = :lease")
                .expressionAttributeNames(CLEAR_NAMES)
                .expressionAttributeValues(Map.of(":lease", AttributeValue.fromS(lease)))
                .returnValues(ReturnValue.ALL_OLD));
    }

    Systems.CyclerFactory cyclers() {
        return index -> {
            String owner = "bench-" + index;
            return key -> release(key, acquire(key, owner));
        };
    }

    @Override
    public void close() {
        client.close();
    }
}

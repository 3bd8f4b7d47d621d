package io.statelock.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Terraform's S3-backend locks beside statelock's: a lock table shaped as Terraform's docs create it (hash key
 * {@code LockID}, a string) in the shared dynalite, and a state bucket in the shared s3proxy, both named for this
 * test class, configured as {@code statelock.terraform-s3.*} with both mechanisms on.
 */
public class TerraformS3Resource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String table = "tf-locks-" + suffix;
        String bucket = "tf-states-" + suffix;
        try (DynamoDbClient dynamo = dynamoDb()) {
            dynamo.createTable(r -> r.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder()
                            .attributeName("LockID")
                            .attributeType(ScalarAttributeType.S)
                            .build())
                    .keySchema(KeySchemaElement.builder()
                            .attributeName("LockID")
                            .keyType(KeyType.HASH)
                            .build()));
            dynamo.waiter().waitUntilTableExists(r -> r.tableName(table));
        }
        try (S3Client s3 = S3ProxyClients.of(S3Proxy.shared())) {
            s3.createBucket(r -> r.bucket(bucket));
        }
        return Map.of(
                "statelock.terraform-s3.buckets",
                bucket,
                "statelock.terraform-s3.dynamodb-table",
                table,
                "statelock.terraform-s3.use-lockfile",
                "true");
    }

    /** A client of the shared dynalite, as the service's is configured by {@link DynaliteResource}. */
    public static DynamoDbClient dynamoDb() {
        return DynamoDbClient.builder()
                .endpointOverride(Dynalite.shared().endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    @Override
    public void stop() {
        // The shared servers outlive one test class; their shutdown hooks stop them with the JVM.
    }
}

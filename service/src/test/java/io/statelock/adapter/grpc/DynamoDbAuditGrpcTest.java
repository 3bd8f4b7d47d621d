package io.statelock.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.boot.StatelockConfig;
import io.statelock.testing.DynamoDbJwtProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The same audit trail on the DynamoDB store: audit table created with the lock table, batched writes. */
@QuarkusTest
@TestProfile(DynamoDbJwtProfile.class)
class DynamoDbAuditGrpcTest extends AuditGrpcTest {
    @Inject
    StatelockConfig storeConfig;

    @Test
    void reallyRunsOnDynamoDb() {
        assertThat(storeConfig.store()).isEqualTo(StatelockConfig.StoreKind.dynamodb);
    }
}

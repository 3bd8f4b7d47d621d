package io.statelock.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.boot.StatelockConfig;
import io.statelock.testing.DynamoDbProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** One holder and increasing fences under 32 concurrent clients, on the DynamoDB store. */
@QuarkusTest
@TestProfile(DynamoDbProfile.class)
class DynamoDbConcurrentClientsGrpcTest extends ConcurrentClientsGrpcTest {
    @Inject
    StatelockConfig config;

    @Test
    void reallyRunsOnDynamoDb() {
        assertThat(config.store()).isEqualTo(StatelockConfig.StoreKind.dynamodb);
    }
}

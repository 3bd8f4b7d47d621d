package io.statelock.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.boot.StatelockConfig;
import io.statelock.boot.Store;
import io.statelock.testing.DynamoDbProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The same gRPC semantics, on the DynamoDB store (dynalite on loopback). */
@QuarkusTest
@TestProfile(DynamoDbProfile.class)
class DynamoDbLockServiceGrpcTest extends LockServiceGrpcTest {
    @Inject
    StatelockConfig config;

    @Inject
    Store store;

    @Test
    void reallyRunsOnDynamoDb() {
        assertThat(config.store()).isEqualTo(StatelockConfig.StoreKind.dynamodb);
        // the store behind the metrics decorator
        assertThat(store.locks().getClass().getSimpleName()).isEqualTo("DynamoDbLockTable");
    }
}

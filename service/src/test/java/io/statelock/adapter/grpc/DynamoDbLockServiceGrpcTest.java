package io.statelock.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.boot.StatelockConfig;
import io.statelock.adapter.metrics.MeteredLockTable;
import io.statelock.lock.port.LockTable;
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
    LockTable table;

    @Test
    void reallyRunsOnDynamoDb() {
        assertThat(config.store()).isEqualTo(StatelockConfig.StoreKind.dynamodb);
        // the store behind the metrics decorator
        LockTable store = table instanceof MeteredLockTable metered ? metered.delegate() : table;
        assertThat(store.getClass().getSimpleName()).isEqualTo("DynamoDbLockTable");
    }
}

package io.statelock.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.boot.StatelockConfig;
import io.statelock.testing.DynamoDbProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The same StateService semantics with the pointer on the DynamoDB store (dynalite on loopback). */
@QuarkusTest
@TestProfile(DynamoDbProfile.class)
class DynamoDbStateServiceGrpcTest extends StateServiceGrpcTest {
    @Inject
    StatelockConfig storeConfig;

    @Test
    void reallyRunsOnDynamoDb() {
        assertThat(storeConfig.store()).isEqualTo(StatelockConfig.StoreKind.dynamodb);
    }
}

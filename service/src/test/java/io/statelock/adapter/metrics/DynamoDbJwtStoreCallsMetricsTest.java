package io.statelock.adapter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.boot.StatelockConfig;
import io.statelock.testing.DynamoDbJwtProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The same store calls with authentication on, on the DynamoDB store (dynalite on loopback). */
@QuarkusTest
@TestProfile(DynamoDbJwtProfile.class)
class DynamoDbJwtStoreCallsMetricsTest extends JwtStoreCallsMetricsTest {
    @Inject
    StatelockConfig storeConfig;

    @Test
    void reallyRunsOnDynamoDb() {
        assertThat(storeConfig.store()).isEqualTo(StatelockConfig.StoreKind.dynamodb);
    }
}

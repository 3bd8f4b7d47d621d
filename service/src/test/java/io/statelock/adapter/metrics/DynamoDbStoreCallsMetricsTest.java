package io.statelock.adapter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.boot.StatelockConfig;
import io.statelock.testing.DynamoDbProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** docs/design.md#invariant-5 on the DynamoDB store (dynalite on loopback), from the same metrics. */
@QuarkusTest
@TestProfile(DynamoDbProfile.class)
class DynamoDbStoreCallsMetricsTest extends StoreCallsMetricsTest {
    @Inject
    StatelockConfig storeConfig;

    @Test
    void reallyRunsOnDynamoDb() {
        assertThat(storeConfig.store()).isEqualTo(StatelockConfig.StoreKind.dynamodb);
    }
}

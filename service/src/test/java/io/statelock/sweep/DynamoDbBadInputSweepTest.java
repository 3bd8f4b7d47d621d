package io.statelock.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.boot.StatelockConfig;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The whole sweep again with the lock records on the DynamoDB store (dynalite on loopback). */
@QuarkusTest
@TestProfile(DynamoDbSweepProfile.class)
class DynamoDbBadInputSweepTest extends BadInputSweepTest {
    @Inject
    StatelockConfig storeConfig;

    @Test
    void reallyRunsOnDynamoDb() {
        assertThat(storeConfig.store()).isEqualTo(StatelockConfig.StoreKind.dynamodb);
    }
}

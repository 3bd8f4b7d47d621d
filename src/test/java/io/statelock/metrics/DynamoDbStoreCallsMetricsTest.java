package io.statelock.metrics;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.testing.DynamoDbProfile;

/** Invariant 5 on the DynamoDB store (dynalite on loopback), from the same metrics. */
@QuarkusTest
@TestProfile(DynamoDbProfile.class)
class DynamoDbStoreCallsMetricsTest extends StoreCallsMetricsTest {
}

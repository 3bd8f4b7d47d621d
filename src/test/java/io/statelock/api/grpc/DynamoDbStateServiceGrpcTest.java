package io.statelock.api.grpc;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.testing.DynamoDbProfile;

/** The same StateService semantics with the pointer on the DynamoDB store (dynalite on loopback). */
@QuarkusTest
@TestProfile(DynamoDbProfile.class)
class DynamoDbStateServiceGrpcTest extends StateServiceGrpcTest {
}

package io.statelock.api.grpc;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.testing.DynamoDbProfile;

/** One holder and increasing fences under 32 concurrent clients, on the DynamoDB store. */
@QuarkusTest
@TestProfile(DynamoDbProfile.class)
class DynamoDbConcurrentClientsGrpcTest extends ConcurrentClientsGrpcTest {
}

package io.statelock.api.grpc;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.testing.DynamoDbProfile;

/** The same gRPC semantics, on the DynamoDB store (dynalite on loopback). */
@QuarkusTest
@TestProfile(DynamoDbProfile.class)
class DynamoDbLockServiceGrpcTest extends LockServiceGrpcTest {
}

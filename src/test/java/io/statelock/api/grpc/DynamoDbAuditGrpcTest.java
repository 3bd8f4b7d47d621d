package io.statelock.api.grpc;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.testing.DynamoDbJwtProfile;

/** The same audit trail on the DynamoDB store: audit table created with the lock table, batched writes. */
@QuarkusTest
@TestProfile(DynamoDbJwtProfile.class)
class DynamoDbAuditGrpcTest extends AuditGrpcTest {
}

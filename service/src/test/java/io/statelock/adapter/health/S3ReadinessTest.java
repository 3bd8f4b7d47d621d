package io.statelock.adapter.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.testing.S3Profile;
import org.junit.jupiter.api.Test;

/** On the S3 blob store readiness asks the bucket (HeadBucket against s3proxy on loopback). */
@QuarkusTest
@TestProfile(S3Profile.class)
class S3ReadinessTest {
    @Test
    void readyWhileTheBucketAnswers() throws Exception {
        ReadinessTest.Answer a = ReadinessTest.ready();
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.check("blob-store").get("status").asText()).isEqualTo("UP");
        assertThat(a.check("blob-store").get("data").get("blob").asText()).isEqualTo("s3");
    }
}

package io.statelock.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** State objects on S3 (s3proxy on loopback), lock records on DynamoDB (dynalite): the production layout. */
public class S3Profile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(DynaliteResource.class), new TestResourceEntry(S3ProxyResource.class));
    }
}

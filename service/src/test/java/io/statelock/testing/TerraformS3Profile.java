package io.statelock.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** The production layout ({@link S3Profile}) with Terraform's S3-backend locks read beside statelock's. */
public class TerraformS3Profile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(
                new TestResourceEntry(DynaliteResource.class),
                new TestResourceEntry(S3ProxyResource.class),
                new TestResourceEntry(TerraformS3Resource.class));
    }
}

package io.statelock.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.statelock.adapter.blob.s3.S3BlobStore;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.s3.S3Client;

/** Runs a {@code @QuarkusTest} with state objects on S3: the shared {@link S3Proxy}, a bucket of its own. */
public class S3ProxyResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        S3Proxy proxy = S3Proxy.shared();
        String bucket = "statelock-test-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client client = S3ProxyClients.of(proxy)) {
            new S3BlobStore(client, bucket, "").createBucketIfMissing();
        }
        return Map.of(
                "statelock.blob",
                "s3",
                "statelock.s3.bucket",
                bucket,
                "quarkus.s3.endpoint-override",
                proxy.endpoint().toString(),
                "quarkus.s3.path-style-access",
                "true",
                "quarkus.s3.aws.region",
                "us-east-1",
                "quarkus.s3.aws.credentials.type",
                "static",
                "quarkus.s3.aws.credentials.static-provider.access-key-id",
                S3Proxy.IDENTITY,
                "quarkus.s3.aws.credentials.static-provider.secret-access-key",
                S3Proxy.CREDENTIAL);
    }

    @Override
    public void stop() {
        // The shared server outlives one test class; its shutdown hook stops it with the JVM.
    }
}

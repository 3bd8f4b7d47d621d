package io.statelock.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.testing.S3Profile;
import io.statelock.testing.S3Proxy;
import io.statelock.testing.S3ProxyClients;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/** The StateService semantics with the production layout: objects on S3 (s3proxy), pointers on DynamoDB (dynalite). */
@QuarkusTest
@TestProfile(S3Profile.class)
class S3StateServiceGrpcTest extends StateServiceGrpcTest {

    @Override
    @Test
    void corruptedStoredBytesAreDataLossAndNotServed() throws Exception {
        AcquireResponse lease = acquire("ci", 30);
        client.put(header(key, lease, ""), tf(1));
        String bucket = ConfigProvider.getConfig().getValue("statelock.s3.bucket", String.class);
        String prefix = ConfigProvider.getConfig().getValue("statelock.s3.prefix", String.class);
        try (var s3 = S3ProxyClients.of(S3Proxy.shared())) {
            var object = s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix + key))
                    .contents()
                    .get(0);
            s3.putObject(b -> b.bucket(bucket).key(object.key()), RequestBody.fromBytes(tf(9)));
        }

        assertThatThrownBy(() -> client.get(key, ""))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.DATA_LOSS))
                .hasMessageContaining("digest");
    }
}

package io.statelock.adapter.blob.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statelock.common.StoreUnavailableException;
import io.statelock.state.port.BlobStore;
import io.statelock.state.port.BlobStoreContract;
import io.statelock.testing.S3Proxy;
import io.statelock.testing.S3ProxyClients;
import java.io.IOException;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** The blob contract on a real S3 API (s3proxy on loopback), plus what only this adapter has. */
class S3BlobStoreTest extends BlobStoreContract {
    private static final String BUCKET = "state-" + UUID.randomUUID().toString().substring(0, 8);
    private static S3Client client;
    private static S3BlobStore store;

    @BeforeAll
    static void start() {
        client = S3ProxyClients.of(S3Proxy.shared());
        store = new S3BlobStore(client, BUCKET, "states/");
        store.createBucketIfMissing();
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
    }

    @Override
    protected BlobStore blobs() {
        return store;
    }

    @Test
    void objectsLiveUnderThePrefixWithTheirPlainName() throws IOException {
        store.create(unique + "/k/~v/1-x", file("v1"));

        assertThat(client.headObject(b -> b.bucket(BUCKET).key("states/" + unique + "/k/~v/1-x"))
                        .contentLength())
                .isEqualTo(2);
    }

    @Test
    void aMissingBucketIsStoreUnavailable() {
        S3BlobStore missing = new S3BlobStore(client, "no-such-bucket-" + unique, "");

        assertThatThrownBy(missing::checkReady)
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("no-such-bucket-" + unique);
    }
}

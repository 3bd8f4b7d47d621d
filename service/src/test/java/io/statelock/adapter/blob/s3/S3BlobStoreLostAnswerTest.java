package io.statelock.adapter.blob.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.statelock.testing.FaultProxy;
import io.statelock.testing.S3Proxy;
import io.statelock.testing.S3ProxyClients;
import io.statelock.testing.StoreRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A state object PUT with {@code If-None-Match: *} whose first attempt s3proxy stored but whose answer was
 * lost ({@link FaultProxy}), so the SDK's default retry policy sends it again and gets 412: the
 * object there is this write's own, so the create succeeds (another object there is refused as a
 * retryable store error: {@code BlobStoreContract}).
 */
class S3BlobStoreLostAnswerTest {
    static final String BUCKET = "lost-" + UUID.randomUUID().toString().substring(0, 8);
    static FaultProxy proxy;
    static S3Client client;
    static S3BlobStore store;

    @TempDir
    Path tmp;

    final String unique = "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @BeforeAll
    static void start() {
        proxy = FaultProxy.inFrontOf(S3Proxy.shared());
        client = S3ProxyClients.of(proxy.endpoint()); // the SDK's default retry policy
        store = new S3BlobStore(client, BUCKET, "states/");
        store.createBucketIfMissing();
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (proxy != null) proxy.close();
    }

    Path file(int size, long seed) throws IOException {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return Files.write(Files.createTempFile(tmp, "blob", ".bin"), bytes);
    }

    byte[] stored(String name) throws IOException {
        try (InputStream in = store.open(name).orElseThrow()) {
            return in.readAllBytes();
        }
    }

    @Test
    void aPutWhoseAnswerWasLostSucceedsWithOneObject() throws IOException {
        String name = unique + "/k/~v/1-a";
        // Larger than one read, so the client's body and the server's 100-continue really cross the proxy.
        Path file = file(300_000, 1);
        long puts = proxy.count(StoreRequest::isS3Put);
        proxy.loseResponses(1, StoreRequest::isS3Put);

        store.create(name, file);

        assertThat(proxy.lost()).filteredOn(StoreRequest::isS3Put).hasSize(1);
        assertThat(proxy.count(StoreRequest::isS3Put) - puts)
                .as("the first attempt and the SDK's retry")
                .isEqualTo(2);
        assertThat(stored(name)).isEqualTo(Files.readAllBytes(file));
        assertThat(client.listObjectsV2(b -> b.bucket(BUCKET).prefix("states/" + unique + "/k/"))
                        .contents())
                .extracting(S3Object::key)
                .containsExactly("states/" + name);
    }
}

package io.statelock.state.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statelock.common.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link BlobStore} must do: immutable objects, never overwritten. Runs on the directory and on S3. */
public abstract class BlobStoreContract {
    protected abstract BlobStore blobs();

    @TempDir
    protected Path tmp;

    protected final String unique =
            "b" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    protected Path file(String content) throws IOException {
        Path f = Files.createTempFile(tmp, "blob", ".bin");
        Files.writeString(f, content);
        return f;
    }

    protected String read(String name) throws IOException {
        try (InputStream in = blobs().open(name).orElseThrow()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void createThenOpenReturnsTheBytes() throws IOException {
        String name = unique + "/a/~v/1-x";
        blobs().create(name, file("{\"serial\":1}"));

        assertThat(read(name)).isEqualTo("{\"serial\":1}");
    }

    @Test
    void aTakenNameIsNeverOverwrittenAndRefusedAsARetryableStoreError() throws IOException {
        String name = unique + "/b/~v/1-x";
        blobs().create(name, file("first"));

        // Other bytes, of another and of the same size (compared by content, not by length).
        for (String other : new String[] {"second", "frist"}) {
            assertThatThrownBy(() -> blobs().create(name, file(other)))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining(name)
                    .hasMessageContaining("other bytes");
        }
        assertThat(read(name)).isEqualTo("first");
    }

    @Test
    void theSameBytesUnderTheirOwnNameAreThatWritesOwn() throws IOException {
        String name = unique + "/b/~v/2-y";
        Path bytes = file("{\"serial\":2}");
        blobs().create(name, bytes);

        // A create whose first attempt landed and is sent again (its answer lost) succeeds.
        blobs().create(name, bytes);

        assertThat(read(name)).isEqualTo("{\"serial\":2}");
        assertThat(blobs().list(unique + "/b/"))
                .extracting(BlobStore.Entry::name)
                .containsExactly(name);
    }

    @Test
    void aMissingObjectIsEmptyAndDeleteIsIdempotent() throws IOException {
        String name = unique + "/c/~v/1-x";
        assertThat(blobs().open(name)).isEmpty();
        blobs().create(name, file("x"));

        blobs().delete(name);
        blobs().delete(name);

        assertThat(blobs().open(name)).isEmpty();
    }

    @Test
    void listFindsObjectsByPrefixWithTheirAge() throws IOException {
        long before = System.currentTimeMillis() - 5_000;
        blobs().create(unique + "/d/~v/1-x", file("1"));
        blobs().create(unique + "/d/~v/2-y", file("2"));
        blobs().create(unique + "/e/~v/1-z", file("3"));

        assertThat(blobs().list(unique + "/d/"))
                .extracting(BlobStore.Entry::name)
                .containsExactlyInAnyOrder(unique + "/d/~v/1-x", unique + "/d/~v/2-y");
        assertThat(blobs().list(unique))
                .hasSize(3)
                .allSatisfy(e -> assertThat(e.lastModifiedMs()).isBetween(before, System.currentTimeMillis() + 5_000));
    }

    @Test
    void checkReadyPassesOnAUsableStore() {
        blobs().checkReady();
    }
}

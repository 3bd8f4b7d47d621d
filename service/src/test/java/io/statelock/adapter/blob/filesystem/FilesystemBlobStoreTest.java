package io.statelock.adapter.blob.filesystem;

import static org.assertj.core.api.Assertions.assertThat;

import io.statelock.state.port.BlobStore;
import io.statelock.state.port.BlobStoreContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The blob contract on a local directory, plus its on-disk layout (what break-glass reads). */
class FilesystemBlobStoreTest extends BlobStoreContract {
    private Path root;
    private FilesystemBlobStore store;

    @BeforeEach
    void open() throws IOException {
        root = Files.createDirectories(tmp.resolve("state"));
        store = new FilesystemBlobStore(root);
    }

    @Override
    protected BlobStore blobs() {
        return store;
    }

    @Test
    void anObjectIsAPlainFileUnderItsName() throws IOException {
        store.create("prod/net/terraform.tfstate/~v/3-ab", file("state"));

        assertThat(Files.readString(root.resolve("prod/net/terraform.tfstate/~v/3-ab")))
                .isEqualTo("state");
        assertThat(store.list(""))
                .extracting(BlobStore.Entry::name)
                .containsExactly("prod/net/terraform.tfstate/~v/3-ab");
    }
}

package io.statelock.state.port;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Port to the store of state bytes: immutable objects, written once under a fresh name and
 * never overwritten. Outages surface as {@link io.statelock.common.StoreUnavailableException}.
 */
public interface BlobStore {

    /** One stored object, for retention. */
    record Entry(String name, long lastModifiedMs) {}

    /**
     * Stores the file's bytes under {@code name}, durable before it returns. Names are fresh per write, so
     * when the name already holds exactly these bytes they are this write's own (a retry whose first attempt
     * landed, its answer lost) and it succeeds; when it holds anything else the existing object is left alone
     * and it fails with {@link io.statelock.common.StoreUnavailableException} (retry: a new write takes a new name).
     */
    void create(String name, Path file);

    /** The object's bytes, or empty when there is no such object; the caller closes the stream. */
    Optional<InputStream> open(String name);

    /** Removes the object; no error when it is already gone. */
    void delete(String name);

    /** Every object whose name starts with {@code prefix}, in no particular order. */
    List<Entry> list(String prefix);

    /** Throws {@link io.statelock.common.StoreUnavailableException} with the reason when the store is not usable. */
    void checkReady();

    /**
     * Free bytes on the local disk that new objects are written to, so a write can keep its free-space margin;
     * empty when objects do not live on this machine's disks (S3).
     */
    default OptionalLong usableSpace() {
        return OptionalLong.empty();
    }
}

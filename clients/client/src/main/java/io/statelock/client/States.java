package io.statelock.client;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Fenced state: each key's current version, written under its lease and read by anyone allowed to.
 * Get it from {@link StatelockClient#state()}. States travel in chunks of at most 1 MiB: the stream
 * and file forms never hold a whole state in memory (a state may be hundreds of MiB); the {@code
 * byte[]} forms are for small states. A whole transfer must end within the client's {@link
 * StatelockClient.Builder#callTimeout call timeout}: raise it for large states on slow links.
 *
 * <p>Writes are never retried: a write whose answer was lost may have landed, and writing it again
 * under the same fence could be taken for a new write. Reads are retried on {@code UNAVAILABLE}
 * while nothing of the state has been handed to the caller yet.
 */
public interface States {

    /**
     * Writes the bytes read from {@code state} (to its end; the stream is not closed) as the key's new
     * current version under a lease: accepted only while that lease is the key's current, unexpired
     * one with this fencing token (checked by the store in the same conditional write that moves the
     * state pointer). The stream is read once, so the digest cannot go ahead of the bytes: the client
     * checks the service's digest of what it stored against its own of what it sent instead.
     *
     * @return the version the service recorded
     * @throws LeaseLostException when the lease or fencing token is not current: nothing was stored
     * @throws StateConflictException when the service refused it for another reason (nothing stored)
     * @throws WriteOutcomeUnknownException when the answer was lost (timeout, dropped connection): the
     *     write may or may not have been accepted; read the state before deciding
     * @throws StatelockException with code {@code CLIENT} when {@code state} failed while being read:
     *     the call is cancelled before its end, so nothing was stored
     * @throws StatelockException with code {@code DATA_LOSS} when the service's digest of the stored
     *     state differs from the client's of the bytes sent (it was stored: write it again)
     */
    StateVersion put(LeaseRef lease, InputStream state);

    /**
     * Writes the file {@code state} like {@link #put(LeaseRef, InputStream)}, but reads it twice: once
     * for its digest, which goes ahead in the header so that the service stores nothing unless the
     * bytes it received hash to it, then to send it.
     *
     * @throws StatelockException with code {@code CLIENT} when the file cannot be read (nothing was sent)
     */
    StateVersion put(LeaseRef lease, Path state);

    /** {@link #put(LeaseRef, Path)} for a state in memory (small ones: the bytes are not copied whole). */
    StateVersion put(LeaseRef lease, byte[] state);

    /**
     * Opens the key's current state for reading: its version is known at once, the bytes arrive as
     * they are read (a chunk at a time), and the end of the stream checks them against the version's
     * digest ({@code IOException} when they differ). Close it to end the call early.
     *
     * @throws StateNotFoundException when no state is stored for the key
     */
    StateStream get(String key);

    /**
     * Copies the key's current state to {@code out} (not closed), checking the digest at the end.
     * Retried only until the first byte was written; a failure after that leaves {@code out} with part
     * of the state.
     *
     * @return the version copied
     * @throws StateNotFoundException when no state is stored for the key
     * @throws StatelockException with code {@code DATA_LOSS} when the bytes do not match the digest
     */
    StateVersion get(String key, OutputStream out);

    /**
     * Writes the key's current state to the file {@code target}: into a temporary file next to it,
     * digest-checked, then moved over {@code target}, so that {@code target} is never left holding
     * part of a state. Retried as a whole on {@code UNAVAILABLE}.
     *
     * @return the version written
     * @throws StateNotFoundException when no state is stored for the key (and {@code target} is untouched)
     */
    StateVersion get(String key, Path target);

    /**
     * The key's current state in memory (for small states), digest-verified, and its version.
     *
     * @throws StateNotFoundException when no state is stored for the key
     */
    StateSnapshot getBytes(String key);
}

package io.statelock.state;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * What one state write may take: at most {@code maxSize} bytes, and never so much disk that less than
 * {@code minFreeSpace} bytes stay free where it is spooled or stored, so a large or runaway upload
 * cannot fill the disk that the embedded store, the logs and every other write share.
 */
public final class StateLimits {
    /** No limits (reads, and tests about something else): no size limit, no free-space check. */
    public static final StateLimits NONE = new StateLimits(Long.MAX_VALUE, 0);

    private static final long MIB = 1024L * 1024;
    private static final long GIB = 1024 * MIB;

    private final long maxSize;
    private final long minFreeSpace;
    private final ToLongFunction<Path> usableSpace;
    /**
     * Bytes promised to uploads under way and not yet written. Guarded by {@code this}: the look at the disk
     * and the promise are one step, so concurrent uploads that each fit alone cannot all pass one margin.
     */
    private long reserved;

    /**
     * @param maxSize      largest state accepted, in bytes ({@code statelock.state.max-size})
     * @param minFreeSpace bytes a write must leave free on each disk it writes to
     *                     ({@code statelock.state.min-free-space}); 0 turns the check off
     */
    public StateLimits(long maxSize, long minFreeSpace) {
        this(maxSize, minFreeSpace, dir -> dir.toFile().getUsableSpace());
    }

    /** As above, with the free space of a directory's disk measured by {@code usableSpace} (tests). */
    public StateLimits(long maxSize, long minFreeSpace, ToLongFunction<Path> usableSpace) {
        if (maxSize < 1) throw new IllegalArgumentException("statelock.state.max-size must be at least 1 byte");
        if (minFreeSpace < 0) throw new IllegalArgumentException("statelock.state.min-free-space must not be negative");
        this.maxSize = maxSize;
        this.minFreeSpace = minFreeSpace;
        this.usableSpace = usableSpace;
    }

    public long maxSize() {
        return maxSize;
    }

    public long minFreeSpace() {
        return minFreeSpace;
    }

    /** Refuses a state that is (or has grown to) {@code size} bytes when that is over the limit. */
    public void requireSize(long size) {
        // Exactly the limit is accepted; one byte more is refused.
        if (size > maxSize) throw new StateTooLargeException(maxSize);
    }

    /** Refuses to write {@code bytes} more into {@code dir} when its disk would keep less than the margin free. */
    public void requireRoom(String disk, Path dir, long bytes) {
        // Margin 0 means no check: not even the statvfs call.
        if (minFreeSpace == 0) return;
        requireRoom(disk, usableSpace.applyAsLong(dir), bytes);
    }

    /**
     * As {@link #requireRoom(String, Path, long)} for an upload's spool, and promises the {@code bytes} to it:
     * later looks count them as taken until {@link #unreserve} gives them back (as they are written, or when
     * the upload ends). Returns the bytes reserved (0 when the margin is off).
     */
    public synchronized long reserve(String disk, Path dir, long bytes) {
        if (minFreeSpace == 0) return 0;
        // What other uploads were promised is not on the disk yet: it is not free for this one.
        requireRoom(disk, usableSpace.applyAsLong(dir) - reserved, bytes);
        reserved += bytes;
        return bytes;
    }

    /** Gives back {@code bytes} of an earlier {@link #reserve}. */
    public synchronized void unreserve(long bytes) {
        reserved -= bytes;
    }

    /** As {@link #requireRoom(String, Path, long)}, for a disk whose free space the caller measured. */
    public void requireRoom(String disk, long usable, long bytes) {
        // Subtracting the margin from what is free (never adding to bytes) cannot overflow.
        if (minFreeSpace > 0 && usable - minFreeSpace < bytes) {
            throw InsufficientStorageException.belowMargin(disk, usable, minFreeSpace);
        }
    }

    /** A size for a message: {@code 1.0 GiB (1073741824 bytes)}. */
    static String describe(long bytes) {
        if (bytes >= GIB) return String.format(Locale.ROOT, "%.1f GiB (%d bytes)", (double) bytes / GIB, bytes);
        if (bytes >= MIB) return String.format(Locale.ROOT, "%.1f MiB (%d bytes)", (double) bytes / MIB, bytes);
        return bytes + " bytes";
    }
}

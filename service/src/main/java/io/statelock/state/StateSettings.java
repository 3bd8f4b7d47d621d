package io.statelock.state;

import java.nio.file.Path;
import java.util.Objects;

/**
 * @param keepVersions   versions kept in a key's history (older ones leave it and their objects become garbage)
 * @param spoolDir       where state bytes are spooled on their way in and out
 * @param garbageAgeMs   an object no kept version names is deleted only once it is this old, so a
 *                       write still in flight (uploaded, pointer not yet moved) is never removed
 * @param limits         the size limit and free-space margin of every state write
 */
public record StateSettings(int keepVersions, Path spoolDir, long garbageAgeMs, StateLimits limits) {
    public static final long ONE_HOUR_MS = 3_600_000;

    public StateSettings(int keepVersions, Path spoolDir, long garbageAgeMs) {
        this(keepVersions, spoolDir, garbageAgeMs, StateLimits.NONE);
    }

    public StateSettings {
        Objects.requireNonNull(spoolDir, "spoolDir");
        Objects.requireNonNull(limits, "limits");
        if (keepVersions < 1) throw new IllegalArgumentException("statelock.state.keep-versions must be at least 1");
        if (garbageAgeMs < 0) throw new IllegalArgumentException("garbage age must not be negative");
    }
}

package io.statelock.client;

import java.time.Instant;

/**
 * One stored version of a key's state, as the service recorded it.
 *
 * @param version      the version id (increases with every accepted write of the key)
 * @param size         bytes
 * @param sha256       lowercase hex digest of the bytes
 * @param fencingToken the fencing token of the lease that wrote it
 * @param writtenAt    when the service accepted it (service clock, informational)
 * @param writtenBy    the owner of the lease that wrote it
 */
public record StateVersion(
        String key, String version, long size, String sha256, long fencingToken, Instant writtenAt, String writtenBy) {}

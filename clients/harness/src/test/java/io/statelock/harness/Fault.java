package io.statelock.harness;

import java.util.List;

/** The kinds of fault the schedule injects, and the store crashes the harness recovers from. */
enum Fault {
    /** A worker sleeps past its lease between reading and writing (a GC pause, a suspended VM), then writes. */
    CLIENT_PAUSE,
    /** kill -9 of a replica, restarted after a moment. */
    REPLICA_KILL,
    /** A replica restarted with a new clock offset, within half the max clock skew either way. */
    CLOCK_OFFSET,
    /** The DynamoDB-API store (dynalite, persisted) stops and restarts on the same port. */
    STORE_RESTART,
    /** The S3-API store (s3proxy, filesystem) stops and restarts on the same port. */
    BLOB_STORE_RESTART,
    /** Added latency on one link (client↔replica or replica↔store). */
    LATENCY,
    /** One link forwards nothing for a while; its connections stay open. */
    STALL,
    /** Every connection of one link is closed at once. */
    DROP,
    /**
     * On one replica's link to a store, the next 1–3 writes (DynamoDB UpdateItem/PutItem, S3 PUT) reach the
     * store and take effect, but their answers are dropped and the connection cut: the AWS SDK retries a
     * write that was already applied.
     */
    LOST_RESPONSE,
    /**
     * For a few seconds after a longer calm, workers cancel their own calls at random points: uploads before the
     * commit, downloads part-way, waiting acquires ({@link Cancels}).
     */
    CLIENT_CANCEL,
    /**
     * Not injected: a store server exited by itself, and the harness restarted it on the same port and
     * data (as {@link #STORE_RESTART} does). Recorded, not a violation; none is expected.
     */
    STORE_CRASH;

    /** The kinds the schedule injects. */
    static List<Fault> injected() {
        return List.of(values()).stream().filter(f -> f != STORE_CRASH).toList();
    }
}

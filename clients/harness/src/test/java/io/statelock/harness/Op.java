package io.statelock.harness;

/**
 * One operation of the history: who did what on which key, when (harness-relative milliseconds,
 * monotonic clock), and what came of it.
 *
 * @param record  the record a write appended (e.g. {@code w3-17}); empty for other operations
 * @param version the state version an accepted write got, or 0
 */
record Op(
        long id,
        String worker,
        Type type,
        String key,
        long startMs,
        long endMs,
        Outcome outcome,
        String leaseId,
        long fence,
        String record,
        long version,
        String detail) {

    /**
     * What was attempted. {@code LEASE_VALID} is the client library's own judgement ({@code Lease.isValid()},
     * by the client's monotonic clock), asked right before a write: OK when it said valid. The {@code *_CANCEL}
     * types are calls the worker cancelled itself in a client-cancel window ({@link Cancels}): an upload before
     * its commit (its record must never be stored), a download part-way, a waiting acquire.
     */
    enum Type {
        ACQUIRE,
        READ,
        HEARTBEAT,
        LEASE_VALID,
        WRITE,
        RELEASE,
        LIVENESS,
        FINAL_READ,
        UPLOAD_CANCEL,
        DOWNLOAD_CANCEL,
        ACQUIRE_CANCEL
    }

    /**
     * What came of it. {@code OK}: the service answered yes. {@code REFUSED}: a definite no (held, lease
     * lost, stale fence). {@code UNKNOWN}: the answer was lost (timeout, dropped connection), so it may
     * or may not have taken effect. {@code ERROR}: anything else (not counted as taking effect).
     * {@code CANCELLED}: the worker cancelled the call itself; the client said nothing was stored.
     */
    enum Outcome {
        OK,
        REFUSED,
        UNKNOWN,
        ERROR,
        CANCELLED
    }

    boolean ok() {
        return outcome == Outcome.OK;
    }

    @Override
    public String toString() {
        return String.format(
                "#%-5d %7d..%-7d %-6s %-10s %-20s %-8s fence=%-4d%s%s%s",
                id,
                startMs,
                endMs,
                worker,
                type,
                key,
                outcome,
                fence,
                record.isEmpty() ? "" : " record=" + record,
                version == 0 ? "" : " v" + version,
                detail.isEmpty() ? "" : " (" + detail + ")");
    }
}

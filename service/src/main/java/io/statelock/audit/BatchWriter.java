package io.statelock.audit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Writes one batch, retrying a failing store with doubling backoff up to a bound, then gives up (counted). */
final class BatchWriter {
    // java.lang.System.Logger: the domain imports nothing outside java.*; Quarkus routes it to its log. The
    // line goes in as a parameter of "{0}", never as a pattern: keys may hold quotes and braces.
    private static final System.Logger LOG = System.getLogger(AuditTrail.class.getName());
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;

    private final AuditStore store;
    private final long maxRetryMs;
    private final AtomicLong givenUp = new AtomicLong();

    BatchWriter(AuditStore store, Duration maxRetry) {
        this.store = store;
        this.maxRetryMs = maxRetry.toMillis();
    }

    void write(List<AuditEntry> batch) throws InterruptedException {
        long deadline = System.currentTimeMillis() + maxRetryMs;
        long backoff = FIRST_BACKOFF_MS;
        while (true) {
            try {
                store.append(batch);
                return;
            } catch (RuntimeException e) {
                // Past the retry budget the batch is given up: the records are in the log already, and a
                // store that stays down must not stall the queue forever (newer records would be dropped).
                if (System.currentTimeMillis() + backoff > deadline) {
                    long n = givenUp.addAndGet(batch.size());
                    LOG.log(
                            System.Logger.Level.ERROR,
                            "{0}",
                            String.format(
                                    "audit store unavailable: %d records not stored (logged only), %d so far: %s",
                                    batch.size(), n, e.getMessage()));
                    return;
                }
                LOG.log(
                        System.Logger.Level.WARNING,
                        "{0}",
                        String.format("audit store write failed, retrying in %d ms: %s", backoff, e.getMessage()));
                Thread.sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    long givenUp() {
        return givenUp.get();
    }
}

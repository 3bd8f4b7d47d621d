package io.statelock.audit;

import io.statelock.store.AuditEntry;
import io.statelock.store.AuditStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/** Writes one batch, retrying a failing store with doubling backoff up to a bound, then gives up (counted). */
final class BatchWriter {
    private static final Logger LOG = Logger.getLogger(AuditTrail.class);
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
                    LOG.errorf("audit store unavailable: %d records not stored (logged only), %d so far: %s",
                            batch.size(), n, e.getMessage());
                    return;
                }
                LOG.warnf("audit store write failed, retrying in %d ms: %s", backoff, e.getMessage());
                Thread.sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    long givenUp() {
        return givenUp.get();
    }
}

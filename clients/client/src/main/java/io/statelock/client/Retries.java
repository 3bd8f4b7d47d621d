package io.statelock.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Retries {@code UNAVAILABLE} with exponential backoff and jitter (decided by {@link Errors}).
 * The attempt supplier must reuse its request (e.g. the same acquire {@code request_id}) so that a
 * retry of a call that did take effect is recognised by the service.
 */
final class Retries {
    static final Duration INITIAL_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    private final Duration budget;
    private final Runnable beforeRetry;

    /**
     * @param budget how long after the first failure retries go on
     * @param beforeRetry run before each retry (e.g. reset the channel's reconnect backoff)
     */
    Retries(Duration budget, Runnable beforeRetry) {
        this.budget = budget;
        this.beforeRetry = beforeRetry;
    }

    /**
     * Runs {@code attempt} until it succeeds, fails with a non-retryable error, or the budget (or
     * {@code hardDeadlineNanos}, a {@link System#nanoTime()} value; {@code Long.MAX_VALUE} for none)
     * is used up. Failures are thrown decoded.
     */
    <T> T call(Supplier<T> attempt, long hardDeadlineNanos) {
        long firstFailure = 0;
        long backoff = INITIAL_BACKOFF.toNanos();
        while (true) {
            try {
                return attempt.get();
            } catch (RuntimeException e) {
                if (!Errors.isRetryable(e)) {
                    throw Errors.decode(e);
                }
                long now = System.nanoTime();
                if (firstFailure == 0) {
                    firstFailure = now;
                }
                // Equal jitter: half fixed, half random, so callers spread out but still back off.
                long sleep = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
                if (now + sleep - firstFailure > budget.toNanos() || now + sleep > hardDeadlineNanos) {
                    throw Errors.decode(e);
                }
                sleepNanos(sleep);
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toNanos());
                beforeRetry.run();
            }
        }
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new StatelockException("CANCELLED", "interrupted while retrying", ie);
        }
    }
}

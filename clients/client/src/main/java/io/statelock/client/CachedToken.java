package io.statelock.client;

/**
 * A token source whose {@code get()} may block (e.g. on an HTTP fetch). Calls under a lease use
 * {@link #cached()} instead, so a slow token endpoint can never delay a renewal or the lease's
 * own-clock expiry check.
 */
interface CachedToken {
    /**
     * The token obtained before, even if it is about to expire or has expired (a fresh one is
     * fetched in the background when due); blocks like {@code get()} only if there is none yet.
     */
    String cached();
}

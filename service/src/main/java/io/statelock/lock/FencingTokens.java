package io.statelock.lock;

/**
 * Fencing tokens are {@code (epoch << 40) + counter}: the counter only goes up per key, and an
 * operator raises the epoch after restoring the store from a backup so no token is reissued.
 */
public final class FencingTokens {
    public static final int COUNTER_BITS = 40;
    public static final long MAX_EPOCH = (1L << (63 - COUNTER_BITS)) - 1;
    private final long epoch;

    public FencingTokens(long epoch) {
        if (epoch < 0 || epoch > MAX_EPOCH) {
            throw new IllegalArgumentException("statelock.fence.epoch must be between 0 and " + MAX_EPOCH);
        }
        this.epoch = epoch;
    }

    /** The token a client sees for a stored counter (0 stays 0: never acquired). */
    public long token(long counter) {
        return counter == 0 ? 0 : (epoch << COUNTER_BITS) + counter;
    }

    /** The stored counter a token of the current epoch stands for, or -1 if it is of another epoch. */
    public long counterOf(long token) {
        if (token >>> COUNTER_BITS != epoch) return -1;
        return token & ((1L << COUNTER_BITS) - 1);
    }
}

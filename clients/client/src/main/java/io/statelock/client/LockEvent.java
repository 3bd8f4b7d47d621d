package io.statelock.client;

import java.time.Instant;

/**
 * One event of a {@linkplain Admin#watchKey watch}: what happened and the key's state after it.
 *
 * @param at when the service saw it (service clock, informational; null if not sent)
 */
public record LockEvent(Type type, LockState state, Instant at) {

    /** What happened to the key. */
    public enum Type {
        /** Not a change: the key's state when the watch began. */
        SNAPSHOT,
        ACQUIRED,
        RENEWED,
        RELEASED,
        EXPIRED,
        FORCE_RELEASED,
        /** A kind of event this client does not know (sent by a newer service). */
        UNKNOWN;

        /** The type for the proto enum number (its names are the proto's; 0 is the snapshot). */
        static Type of(int number) {
            switch (number) {
                case 0:
                    return SNAPSHOT;
                case 1:
                    return ACQUIRED;
                case 2:
                    return RENEWED;
                case 3:
                    return RELEASED;
                case 4:
                    return EXPIRED;
                case 5:
                    return FORCE_RELEASED;
                default:
                    return UNKNOWN;
            }
        }
    }
}

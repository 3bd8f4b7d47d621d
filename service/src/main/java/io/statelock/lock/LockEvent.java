package io.statelock.lock;

/** A change of one key, for Watch. {@code SNAPSHOT} marks the current state sent when a watch starts. */
public record LockEvent(Type type, LockStatus status, long atMs) {
    public enum Type {
        SNAPSHOT,
        ACQUIRED,
        RENEWED,
        RELEASED,
        EXPIRED,
        FORCE_RELEASED
    }
}

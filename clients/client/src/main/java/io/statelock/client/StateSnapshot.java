package io.statelock.client;

/** A key's state as read: its bytes (digest-verified by the service) and the version they are. */
public record StateSnapshot(StateVersion version, byte[] bytes) {}

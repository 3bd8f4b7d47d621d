package io.statelock.lock;

/**
 * One caller waiting for a key on this replica, as anyone who may describe the key sees it: its place in the
 * queue (1 is next), owner, why it waits and since when. Never its request id.
 */
public record QueuedCaller(int position, String owner, LockInfo info, long sinceMs) {}

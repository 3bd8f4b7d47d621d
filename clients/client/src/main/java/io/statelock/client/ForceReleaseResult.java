package io.statelock.client;

/**
 * Outcome of {@link Admin#forceRelease}.
 *
 * @param released true when a held lock was broken
 * @param previous the holder that was removed (or the key's state if it was not held)
 */
public record ForceReleaseResult(boolean released, LockState previous) {}

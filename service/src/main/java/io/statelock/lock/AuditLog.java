package io.statelock.lock;

/** Where forced and destructive operations are recorded before they are answered. */
public interface AuditLog {
    void forceRelease(LockKey key, LockStatus previous, String reason, boolean released);
}

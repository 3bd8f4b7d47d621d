package io.statelock.testing;

import io.statelock.common.LockKey;
import io.statelock.common.StoreUnavailableException;
import io.statelock.lock.LeaseOwner;
import io.statelock.lock.LockRecord;
import io.statelock.lock.port.AcquireResult;
import io.statelock.lock.port.ForceReleaseResult;
import io.statelock.lock.port.HeartbeatResult;
import io.statelock.lock.port.LockTable;
import io.statelock.lock.port.NewLease;
import io.statelock.lock.port.RecordPage;
import io.statelock.lock.port.ReleaseResult;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a real store: counts calls, injects read outages, and lets a test act right after a call. */
public class CountingLockTable implements LockTable {
    private final LockTable delegate;
    public final AtomicInteger acquires = new AtomicInteger();
    public final AtomicInteger gets = new AtomicInteger();
    public final AtomicInteger lists = new AtomicInteger();
    public volatile Runnable afterAcquire = () -> {};
    public volatile Runnable afterGet = () -> {};
    public volatile boolean failReads;
    public volatile boolean failReleases;
    public volatile boolean failAcquires;

    public CountingLockTable(LockTable delegate) {
        this.delegate = delegate;
    }

    @Override
    public AcquireResult acquire(NewLease lease, long takeoverBeforeMs) {
        acquires.incrementAndGet();
        if (failAcquires) throw new StoreUnavailableException("acquire refused by the test", null);
        AcquireResult result = delegate.acquire(lease, takeoverBeforeMs);
        afterAcquire.run();
        return result;
    }

    @Override
    public HeartbeatResult heartbeat(LockKey key, String leaseId, long nowMs, long ttlMs, LeaseOwner owner) {
        return delegate.heartbeat(key, leaseId, nowMs, ttlMs, owner);
    }

    @Override
    public ReleaseResult release(LockKey key, String leaseId, LeaseOwner owner) {
        if (failReleases) throw new StoreUnavailableException("release refused by the test", null);
        return delegate.release(key, leaseId, owner);
    }

    @Override
    public ForceReleaseResult forceRelease(LockKey key, long expectedCounter) {
        return delegate.forceRelease(key, expectedCounter);
    }

    @Override
    public Optional<LockRecord> get(LockKey key) {
        gets.incrementAndGet();
        failIfDown();
        Optional<LockRecord> record = delegate.get(key);
        afterGet.run();
        return record;
    }

    @Override
    public RecordPage list(String prefix, int limit, String pageToken) {
        lists.incrementAndGet();
        failIfDown();
        return delegate.list(prefix, limit, pageToken);
    }

    @Override
    public void checkReady() {
        delegate.checkReady();
    }

    private void failIfDown() {
        if (failReads) throw new StoreUnavailableException("injected outage", null);
    }
}

package io.statelock.testing;

import io.statelock.common.LockKey;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store whose reads (get, list: what a Watch's snapshot reads) a test can hold at a gate, e.g. to cancel
 * calls while their snapshot is being read. Writes pass. Static, because the service and the test share it.
 */
public final class GatedReads implements LockTable {
    private static volatile CountDownLatch gate = new CountDownLatch(0);
    private static final AtomicInteger WAITING = new AtomicInteger();

    private final LockTable delegate;

    public GatedReads(LockTable delegate) {
        this.delegate = delegate;
    }

    /** From now on reads wait until {@link #open()}. */
    public static void hold() {
        gate = new CountDownLatch(1);
    }

    public static void open() {
        gate.countDown();
    }

    /** Reads waiting at the gate now. */
    public static int waiting() {
        return WAITING.get();
    }

    private static void pass() {
        CountDownLatch g = gate;
        if (g.getCount() == 0) return;
        WAITING.incrementAndGet();
        try {
            // Bounded, so a test that forgets to open the gate fails instead of hanging the service.
            if (!g.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("read gate never opened");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            WAITING.decrementAndGet();
        }
    }

    @Override
    public Optional<LockRecord> get(LockKey key) {
        pass();
        return delegate.get(key);
    }

    @Override
    public RecordPage list(String prefix, int limit, String pageToken) {
        pass();
        return delegate.list(prefix, limit, pageToken);
    }

    @Override
    public AcquireResult acquire(NewLease lease, long takeoverBeforeMs) {
        return delegate.acquire(lease, takeoverBeforeMs);
    }

    @Override
    public HeartbeatResult heartbeat(LockKey key, String leaseId, long nowMs, long ttlMs, LeaseOwner owner) {
        return delegate.heartbeat(key, leaseId, nowMs, ttlMs, owner);
    }

    @Override
    public ReleaseResult release(LockKey key, String leaseId, LeaseOwner owner) {
        return delegate.release(key, leaseId, owner);
    }

    @Override
    public ForceReleaseResult forceRelease(LockKey key, long expectedCounter) {
        return delegate.forceRelease(key, expectedCounter);
    }

    @Override
    public void checkReady() {
        delegate.checkReady();
    }
}

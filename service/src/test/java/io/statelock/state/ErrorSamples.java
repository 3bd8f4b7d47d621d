package io.statelock.state;

import io.statelock.common.InvalidArgumentException;
import io.statelock.common.LockKey;
import io.statelock.common.ShuttingDownException;
import io.statelock.common.StatelockException;
import io.statelock.common.StatelockException.Kind;
import io.statelock.common.StoreUnavailableException;
import io.statelock.common.TooManyWaitersException;
import io.statelock.lock.LeaseLostException;
import io.statelock.lock.LockHeldException;
import io.statelock.lock.LockInfo;
import io.statelock.lock.LockStatus;
import io.statelock.security.PermissionDeniedException;
import io.statelock.security.UnauthenticatedException;
import java.util.Optional;

/**
 * One domain error of each kind, as the domain throws it (here because some state errors are only made by
 * their package), for tests that every kind has an answer on every edge.
 */
public final class ErrorSamples {
    private static final LockKey KEY = new LockKey("prod/network");
    private static final LockStatus HOLDER =
            new LockStatus(KEY, true, "alice", LockInfo.EMPTY, 7, 1_000, 61_000, "ab12");

    private ErrorSamples() {}

    /** An exception of {@code kind}; no default, so a new kind needs its sample here. */
    public static StatelockException of(Kind kind) {
        return switch (kind) {
            case HELD -> new LockHeldException(HOLDER);
            case LEASE_LOST -> new LeaseLostException("the lease on prod/network is lost", HOLDER);
            case CONFLICT -> StateConflictException.concurrentWrites(KEY, Optional.empty(), TerraformMeta.NONE);
            case INVALID -> InvalidArgumentException.of("key", "must not be empty");
            case NOT_FOUND -> new StateNotFoundException("no state for prod/network");
            case UNAUTHENTICATED -> new UnauthenticatedException("no token");
            case PERMISSION_DENIED -> new PermissionDeniedException("alice may not write prod/network");
            case UNAVAILABLE -> new StoreUnavailableException("DynamoDB GetItem failed", null);
            case SHUTTING_DOWN -> new ShuttingDownException();
            case FULL -> new TooManyWaitersException("this replica already has 0 waiting acquires");
            case INSUFFICIENT_STORAGE -> InsufficientStorageException.full("state disk", null);
            case TOO_LARGE -> new StateTooLargeException(1024);
            case DATA_LOSS -> new StateCorruptedException("prod/network version 3 fails its digest");
        };
    }
}

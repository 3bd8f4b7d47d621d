package io.statelock.lock;

import io.statelock.common.InvalidArgumentException;
import io.statelock.common.LockKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated acquire request. {@code ttl} null or zero means the default.
 * The constructor checks shape; {@link #checkTtl} checks the configured bounds.
 */
public record AcquireCommand(LockKey key, String owner, Duration ttl, LockInfo info, String requestId) {
    public static final int MAX_OWNER = 256;
    public static final int MAX_REQUEST_ID = 128;

    public AcquireCommand {
        info = info == null ? LockInfo.EMPTY : info;
        requestId = requestId == null ? "" : requestId;
        List<InvalidArgumentException.Violation> violations = new ArrayList<>();
        if (key == null) violations.add(new InvalidArgumentException.Violation("key", "must not be empty"));
        if (owner == null || owner.isEmpty()) {
            violations.add(new InvalidArgumentException.Violation("owner", "must not be empty"));
        } else if (owner.length() > MAX_OWNER) {
            violations.add(
                    new InvalidArgumentException.Violation("owner", "must be at most " + MAX_OWNER + " characters"));
        }
        if (requestId.length() > MAX_REQUEST_ID) {
            violations.add(new InvalidArgumentException.Violation(
                    "request_id", "must be at most " + MAX_REQUEST_ID + " characters"));
        }
        if (!violations.isEmpty()) throw new InvalidArgumentException(violations);
    }

    /** The ttl to grant: the requested one within bounds, or the default. */
    public Duration effectiveTtl(LockSettings settings) {
        if (ttl == null || ttl.isZero()) return settings.defaultTtl();
        return checkTtl("ttl", ttl, settings);
    }

    /** Rejects a ttl outside {@code [minTtl, maxTtl]}, naming the field. */
    public static Duration checkTtl(String field, Duration ttl, LockSettings settings) {
        if (ttl.compareTo(settings.minTtl()) < 0 || ttl.compareTo(settings.maxTtl()) > 0) {
            throw InvalidArgumentException.of(
                    field, "must be between " + settings.minTtl() + " and " + settings.maxTtl() + ", got " + ttl);
        }
        return ttl;
    }
}

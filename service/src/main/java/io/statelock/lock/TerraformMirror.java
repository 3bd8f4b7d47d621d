package io.statelock.lock;

import io.statelock.common.LockKey;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Terraform lock statelock holds for a lease on a Terraform S3 state, so that a plain run is kept out as by any
 * other Terraform run ("Error acquiring the state lock", its Lock Info naming the statelock holder). Its ID is derived
 * from the key and the lease's fence counter, so any replica can tell statelock's own lock (and which lease it was
 * for) from a plain run's, and remove it when that lease has ended, without a record of its own.
 */
public final class TerraformMirror {
    /** Terraform shows Version; statelock's locks say whose they are there. */
    public static final String VERSION = "statelock";

    private static final Pattern COUNTER = Pattern.compile("\\(lease counter (\\d+)\\)");

    private TerraformMirror() {}

    /** The lock ID of the mirror of the lease with {@code fenceCounter} on {@code key}: a name-based UUID. */
    public static String id(LockKey key, long fenceCounter) {
        return UUID.nameUUIDFromBytes(
                        ("statelock:" + key.value() + "#" + fenceCounter).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** The mirror of a granted lease: who holds it through statelock, for which operation, and where to look. */
    static PlainRunLock of(LockRecord granted, FencingTokens fences, Set<PlainRunLock.Mechanism> mechanisms) {
        String who = granted.owner()
                + (granted.info().who().isEmpty() || granted.info().who().equals(granted.owner())
                        ? ""
                        : " (" + granted.info().who() + ")");
        String operation = granted.info().operation().isEmpty()
                ? "statelock"
                : granted.info().operation();
        String info = "held through statelock: fencing token " + fences.token(granted.fenceCounter())
                + " (lease counter " + granted.fenceCounter() + "); see statelock status "
                + granted.key().value();
        return new PlainRunLock(
                granted.key(),
                id(granted.key(), granted.fenceCounter()),
                operation,
                who,
                VERSION,
                granted.acquiredAtMs(),
                info,
                granted.key().value(),
                mechanisms);
    }

    /** The fence counter of the lease {@code lock} mirrors, or -1 when it is a plain run's own lock. */
    public static long counterOf(PlainRunLock lock) {
        if (!VERSION.equals(lock.version())) return -1;
        Matcher m = COUNTER.matcher(lock.info());
        if (!m.find()) return -1;
        try {
            long counter = Long.parseLong(m.group(1));
            return id(lock.key(), counter).equals(lock.id()) ? counter : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public static boolean isMirror(PlainRunLock lock) {
        return counterOf(lock) >= 0;
    }
}

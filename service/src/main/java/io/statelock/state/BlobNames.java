package io.statelock.state;

import io.statelock.common.LockKey;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Object names: {@code <key>/~v/<fencing token>-<random>}. {@code ~} is not allowed in keys, so no
 * key's objects can collide with another key's (or be a directory of it on a filesystem), and an
 * operator can find a key's objects by its name.
 */
final class BlobNames {
    static final String MARK = "/~v/";
    private static final SecureRandom RANDOM = new SecureRandom();

    private BlobNames() {}

    static String newName(LockKey key, long fencingToken) {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return key.value() + MARK + fencingToken + "-" + HexFormat.of().formatHex(random);
    }

    /** The key an object belongs to, or null for a name this service did not make. */
    static LockKey keyOf(String name) {
        int mark = name.lastIndexOf(MARK);
        if (mark <= 0) return null;
        String key = name.substring(0, mark);
        return LockKey.problem(key) == null ? new LockKey(key) : null;
    }
}

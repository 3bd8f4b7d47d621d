package io.statelock.security;

/** What a caller may do on a key pattern; each role includes the ones before it. */
public enum Role {
    READER,
    LOCKER,
    ADMIN;

    public boolean covers(Role needed) {
        return compareTo(needed) >= 0;
    }
}

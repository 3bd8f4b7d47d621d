package io.statelock.lock;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Lease ids are 192 random bits (a secret of the holder); hints are a hash, never a prefix. */
public final class LeaseIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private LeaseIds() {}

    public static String newLeaseId() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * A random id for one store write (a release), written with it so the store can recognise its own
     * write after a lost answer. Not a secret: it authorizes nothing.
     */
    public static String newWriteId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** 12 hex characters of SHA-256(leaseId): enough to tell leases apart, useless to forge one. */
    public static String hint(String leaseId) {
        if (leaseId == null) return "";
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(leaseId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}

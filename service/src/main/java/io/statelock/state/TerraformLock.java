package io.statelock.state;

import java.util.Map;

/** Terraform's and OpenTofu's LockInfo, as their http backend sends it in LOCK and UNLOCK bodies. */
public record TerraformLock(
        String id, String operation, String info, String who, String version, String created, String path) {
    public TerraformLock {
        id = nz(id);
        operation = nz(operation);
        info = nz(info);
        who = nz(who);
        version = nz(version);
        created = nz(created);
        path = nz(path);
    }

    /** The public form of a holder's lock id: never Terraform's own id, which is a credential here. */
    public static String publicId(long fencingToken) {
        return "fence-" + fencingToken;
    }

    /**
     * True when {@code id} has the form of a public id ({@code fence-} and digits), whether or not it names a token
     * that can exist: every such id gets the same answer (forced while it names the holder, refused otherwise).
     */
    public static boolean isPublicId(String id) {
        return id != null
                && id.length() > "fence-".length()
                && id.startsWith("fence-")
                && id.chars().skip("fence-".length()).allMatch(c -> c >= '0' && c <= '9');
    }

    /** The fencing token a public id names, or -1 when it names none (not one, 0, leading zeros, past 2^63−1). */
    public static long tokenOfPublicId(String id) {
        if (!isPublicId(id)) return -1;
        try {
            long token = Long.parseLong(id.substring("fence-".length()));
            return token > 0 && id.equals(publicId(token)) ? token : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Labels stored with the lease for what LockInfo has no field for. */
    Map<String, String> labels() {
        return created.isEmpty()
                ? Map.of("via", "terraform-http")
                : Map.of("via", "terraform-http", "created", created);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}

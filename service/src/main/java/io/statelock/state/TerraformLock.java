package io.statelock.state;

import java.util.Map;

/** Terraform's and OpenTofu's LockInfo, as their http backend sends it in LOCK and UNLOCK bodies. */
public record TerraformLock(String id, String operation, String info, String who, String version, String created,
                            String path) {
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

    /** The fencing token of a public id, or -1 when {@code id} is not one. */
    public static long tokenOfPublicId(String id) {
        if (id == null || !id.startsWith("fence-")) return -1;
        try {
            return Long.parseLong(id.substring("fence-".length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Labels stored with the lease for what LockInfo has no field for. */
    Map<String, String> labels() {
        return created.isEmpty() ? Map.of("via", "terraform-http") : Map.of("via", "terraform-http", "created", created);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}

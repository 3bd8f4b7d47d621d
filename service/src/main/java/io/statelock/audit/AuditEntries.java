package io.statelock.audit;

import io.statelock.security.Caller;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds audit entries from the caller: its subject and the claims that say which pipeline it is
 * (never the token). {@link AuditTrail}'s event methods use it.
 */
final class AuditEntries {
    /** Claims worth keeping: who the CI identity is (GitHub Actions, GitLab CI), and generic groups. */
    static final List<String> RELEVANT_CLAIMS = List.of(
            "iss",
            "repository",
            "repository_owner",
            "ref",
            "environment",
            "workflow",
            "job_workflow_ref",
            "actor",
            "run_id",
            "project_path",
            "namespace_path",
            "pipeline_source",
            "ref_type",
            "user_login",
            "groups",
            "email");
    // A claim value is truncated past this, so a huge claim cannot bloat every record.
    private static final int MAX_CLAIM_LENGTH = 256;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final java.util.concurrent.atomic.AtomicLong SEQUENCE = new java.util.concurrent.atomic.AtomicLong();

    private AuditEntries() {}

    static Map<String, String> claimsOf(Caller caller) {
        Map<String, String> out = new LinkedHashMap<>();
        if (caller.anonymous()) return out;
        for (String name : RELEVANT_CLAIMS) {
            List<String> values = caller.claimValues(name);
            // Absent claims are left out rather than stored empty.
            if (values.isEmpty()) continue;
            String v = String.join(",", values);
            out.put(name, v.length() > MAX_CLAIM_LENGTH ? v.substring(0, MAX_CLAIM_LENGTH) + "..." : v);
        }
        return out;
    }

    /**
     * A per-process sequence, then randomness: records of one replica in the same millisecond sort in
     * the order they were made (ids break ties in time order), and replicas do not collide.
     */
    static String newId() {
        byte[] b = new byte[9];
        RANDOM.nextBytes(b);
        String sequence = Long.toHexString(SEQUENCE.incrementAndGet()); // as %016x, without a Formatter per record
        return "0".repeat(16 - sequence.length()) + sequence + "-"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** A record being built; {@link #build()} gives the entry. */
    static final class Draft {
        private final long atMs;
        private final String action;
        private final String key;
        private final String subject;
        private final Map<String, String> claims;
        private final String peer;
        private String outcome = "";
        private String previousOwner = "";
        private long previousFencingToken;
        private long fencingToken;
        private String reason = "";

        Draft(Clock clock, Caller caller, String peer, String action, String key) {
            this.atMs = clock.millis();
            this.action = action;
            this.key = key;
            this.subject = caller == null ? "" : caller.toString();
            this.claims = caller == null ? Map.of() : claimsOf(caller);
            this.peer = peer;
        }

        Draft outcome(AuditOutcome outcome) {
            this.outcome = outcome.label();
            return this;
        }

        /** The holder and fencing token before the operation. */
        Draft previous(String owner, long fencingToken) {
            this.previousOwner = owner;
            this.previousFencingToken = fencingToken;
            return this;
        }

        /** The fencing token after the operation (the new lease's, or the one a state write carried). */
        Draft fencingToken(long token) {
            this.fencingToken = token;
            return this;
        }

        Draft reason(String reason) {
            this.reason = reason;
            return this;
        }

        AuditEntry build() {
            return new AuditEntry(
                    atMs,
                    newId(),
                    action,
                    key,
                    subject,
                    claims,
                    outcome,
                    previousOwner,
                    previousFencingToken,
                    fencingToken,
                    reason,
                    peer);
        }
    }
}

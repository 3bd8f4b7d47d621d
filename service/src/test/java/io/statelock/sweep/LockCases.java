package io.statelock.sweep;

import static io.grpc.Status.Code.ABORTED;
import static io.grpc.Status.Code.FAILED_PRECONDITION;
import static io.grpc.Status.Code.OK;
import static io.statelock.sweep.SweepCase.grpc;
import static io.statelock.sweep.SweepCase.invalid;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AuditRequest;
import io.statelock.proto.v1.DescribeRequest;
import io.statelock.proto.v1.ForceReleaseRequest;
import io.statelock.proto.v1.HeartbeatRequest;
import io.statelock.proto.v1.ListRequest;
import io.statelock.proto.v1.LockInfo;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.proto.v1.ValidateFenceRequest;
import io.statelock.proto.v1.WatchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** LockService: hostile keys on every method, bad durations, guessed leases, odd fences, oversized LockInfo. */
final class LockCases {
    private final SweepFixture f;
    private final List<SweepCase> cases = new ArrayList<>();

    private LockCases(SweepFixture f) {
        this.f = f;
    }

    static List<SweepCase> all(SweepFixture f) {
        LockCases c = new LockCases(f);
        c.keys();
        c.durations();
        c.leases();
        c.fences();
        c.lockInfo();
        c.listingAndAudit();
        return c.cases;
    }

    private void keys() {
        HostileKeys.grpc().forEach((name, key) -> {
            String cat = "key";
            cases.add(invalid(
                    cat,
                    "Acquire key=" + name,
                    "key",
                    () -> f.locks().acquire(acquire().setKey(key).build())));
            cases.add(invalid(
                    cat,
                    "Heartbeat key=" + name,
                    "key",
                    () -> f.locks()
                            .heartbeat(HeartbeatRequest.newBuilder()
                                    .setKey(key)
                                    .setLeaseId(f.heldLease.getLeaseId())
                                    .build())));
            cases.add(invalid(
                    cat,
                    "Release key=" + name,
                    "key",
                    () -> f.locks()
                            .release(ReleaseRequest.newBuilder()
                                    .setKey(key)
                                    .setLeaseId(f.heldLease.getLeaseId())
                                    .build())));
            cases.add(invalid(
                    cat,
                    "Describe key=" + name,
                    "key",
                    () -> f.locks()
                            .describe(DescribeRequest.newBuilder().setKey(key).build())));
            cases.add(invalid(
                    cat,
                    "ForceRelease key=" + name,
                    "key",
                    () -> f.locks()
                            .forceRelease(ForceReleaseRequest.newBuilder()
                                    .setKey(key)
                                    .setReason("sweep")
                                    .build())));
            cases.add(invalid(
                    cat,
                    "ValidateFence key=" + name,
                    "key",
                    () -> f.locks()
                            .validateFence(ValidateFenceRequest.newBuilder()
                                    .setKey(key)
                                    .setFencingToken(1)
                                    .build())));
            if (!key.isEmpty()) { // an empty key with an empty prefix is "watch everything"
                cases.add(invalid(
                        cat,
                        "Watch key=" + name,
                        "key",
                        () -> f.locks()
                                .watch(WatchRequest.newBuilder().setKey(key).build())
                                .hasNext()));
            }
        });
    }

    private AcquireRequest.Builder acquire() {
        return AcquireRequest.newBuilder().setKey(f.held).setOwner("sweep-intruder");
    }

    private void durations() {
        String cat = "duration";
        Map<String, Duration> bad = new java.util.LinkedHashMap<>();
        bad.put("-1s", Duration.newBuilder().setSeconds(-1).build());
        bad.put("-1ns", Duration.newBuilder().setNanos(-1).build());
        bad.put("1ns (below min-ttl)", Duration.newBuilder().setNanos(1).build());
        bad.put(
                "999ms (below min-ttl)",
                Duration.newBuilder().setNanos(999_000_000).build());
        bad.put("1h1s (above max-ttl)", Duration.newBuilder().setSeconds(3601).build());
        bad.put(
                "Long.MAX_VALUE s",
                Duration.newBuilder().setSeconds(Long.MAX_VALUE).build());
        bad.put(
                "Long.MIN_VALUE s",
                Duration.newBuilder().setSeconds(Long.MIN_VALUE).build());
        bad.put(
                "nanos 2e9 (not a Duration)",
                Duration.newBuilder().setSeconds(10).setNanos(2_000_000_000).build());
        bad.put("mixed signs", Duration.newBuilder().setSeconds(30).setNanos(-5).build());
        bad.forEach((name, d) -> {
            cases.add(invalid(
                    cat,
                    "Acquire ttl=" + name,
                    "ttl",
                    () -> f.locks().acquire(acquire().setTtl(d).build())));
            cases.add(invalid(
                    cat,
                    "Heartbeat ttl=" + name,
                    "ttl",
                    () -> f.locks()
                            .heartbeat(HeartbeatRequest.newBuilder()
                                    .setKey(f.held)
                                    .setLeaseId(f.heldLease.getLeaseId())
                                    .setTtl(d)
                                    .build())));
        });
        Map<String, Duration> badWaits = new java.util.LinkedHashMap<>();
        badWaits.put("-1s", Duration.newBuilder().setSeconds(-1).build());
        badWaits.put("-1ns", Duration.newBuilder().setNanos(-1).build());
        badWaits.put(
                "Long.MIN_VALUE s",
                Duration.newBuilder().setSeconds(Long.MIN_VALUE).build());
        badWaits.put(
                "nanos -2e9 (not a Duration)",
                Duration.newBuilder().setNanos(-2_000_000_000).build());
        badWaits.put(
                "mixed signs", Duration.newBuilder().setSeconds(-1).setNanos(5).build());
        badWaits.forEach((name, d) -> cases.add(invalid(
                cat,
                "Acquire wait_timeout=" + name,
                "wait_timeout",
                () -> f.locks().acquire(acquire().setWaitTimeout(d).build()))));
        // A huge wait is allowed but never outlives the call's deadline: the holder is reported in time.
        cases.add(invalid(
                cat,
                "Acquire wait_timeout=Long.MAX_VALUE s (not a Duration)",
                "wait_timeout",
                () -> f.locks()
                        .acquire(acquire()
                                .setWaitTimeout(Duration.newBuilder().setSeconds(Long.MAX_VALUE))
                                .build())));
        cases.add(invalid(
                cat,
                "Acquire wait_timeout nanos 2e9 (not a Duration)",
                "wait_timeout",
                () -> f.locks()
                        .acquire(acquire()
                                .setWaitTimeout(Duration.newBuilder().setNanos(2_000_000_000))
                                .build())));
        cases.add(grpc(
                cat,
                "Acquire wait_timeout=315576000000 s within a 1 s deadline",
                ABORTED,
                () -> f.locks()
                        .withDeadlineAfter(1, java.util.concurrent.TimeUnit.SECONDS)
                        .acquire(acquire()
                                .setWaitTimeout(Duration.newBuilder().setSeconds(315_576_000_000L))
                                .build())));
    }

    private void leases() {
        String cat = "lease";
        String real = f.heldLease.getLeaseId();
        Map<String, String> guessed = new java.util.LinkedHashMap<>();
        guessed.put("random", java.util.UUID.randomUUID().toString());
        guessed.put("another key's lease", f.otherLease.getLeaseId());
        guessed.put("first half of the real one", real.substring(0, real.length() / 2));
        guessed.put("the real one plus a character", real + "A");
        guessed.put(
                "the real one in upper case",
                real.toUpperCase(java.util.Locale.ROOT).equals(real)
                        ? real.toLowerCase(java.util.Locale.ROOT)
                        : real.toUpperCase(java.util.Locale.ROOT));
        guessed.put("the public lease_id_hint", f.heldHint);
        guessed.put("the request_id of the acquire", f.heldRequestId);
        guessed.put("Terraform's lock ID of another key", f.tfId);
        guessed.put("NUL and control characters", "\u0000\u0007\n");
        guessed.put("128 characters", "L".repeat(128));
        guessed.forEach((name, lease) -> {
            cases.add(grpc(
                    cat,
                    "Heartbeat lease=" + name,
                    FAILED_PRECONDITION,
                    () -> f.locks()
                            .heartbeat(HeartbeatRequest.newBuilder()
                                    .setKey(f.held)
                                    .setLeaseId(lease)
                                    .build())));
            // Documented: released=false when that lease is not the key's; nothing is released.
            cases.add(grpc(
                    cat,
                    "Release lease=" + name,
                    OK,
                    () -> expectNotReleased(f.locks()
                            .release(ReleaseRequest.newBuilder()
                                    .setKey(f.held)
                                    .setLeaseId(lease)
                                    .build()))));
        });
        cases.add(grpc(
                cat,
                "Heartbeat the real lease on another key",
                FAILED_PRECONDITION,
                () -> f.locks()
                        .heartbeat(HeartbeatRequest.newBuilder()
                                .setKey(f.free)
                                .setLeaseId(real)
                                .build())));
        cases.add(grpc(
                cat,
                "Release the real lease on another key",
                OK,
                () -> expectNotReleased(f.locks()
                        .release(ReleaseRequest.newBuilder()
                                .setKey(f.other)
                                .setLeaseId(real)
                                .build()))));
        cases.add(grpc(
                cat,
                "Release the real lease on a key never acquired",
                OK,
                () -> expectNotReleased(f.locks()
                        .release(ReleaseRequest.newBuilder()
                                .setKey(f.prefix + "/never")
                                .setLeaseId(real)
                                .build()))));
        Map<String, String> invalidIds =
                Map.of("empty", "", "129 characters", "L".repeat(129), "1 MiB", "L".repeat(1 << 20));
        invalidIds.forEach((name, lease) -> {
            cases.add(invalid(
                    cat,
                    "Heartbeat lease=" + name,
                    "lease_id",
                    () -> f.locks()
                            .heartbeat(HeartbeatRequest.newBuilder()
                                    .setKey(f.held)
                                    .setLeaseId(lease)
                                    .build())));
            cases.add(invalid(
                    cat,
                    "Release lease=" + name,
                    "lease_id",
                    () -> f.locks()
                            .release(ReleaseRequest.newBuilder()
                                    .setKey(f.held)
                                    .setLeaseId(lease)
                                    .build())));
        });
        cases.add(grpc(
                cat,
                "Acquire retried with the holder's request_id but another owner",
                ABORTED,
                () -> f.locks().acquire(acquire().setRequestId(f.heldRequestId).build())));
        cases.add(grpc(
                cat,
                "Acquire of the held key (control: a well-formed request)",
                ABORTED,
                () -> f.locks().acquire(acquire().build())));
    }

    private static Object expectNotReleased(io.statelock.proto.v1.ReleaseResponse r) {
        if (r.getReleased()) throw new AssertionError("a guessed lease released the key");
        return r;
    }

    private void fences() {
        String cat = "fence";
        long current = f.heldLease.getFencingToken();
        Map<String, Long> tokens = new java.util.LinkedHashMap<>();
        tokens.put("from the future", current + 1_000_000);
        tokens.put("previous", current - 1);
        tokens.put("uint64 max", -1L);
        tokens.put("another epoch", (7L << 40) + current);
        tokens.forEach((name, token) -> {
            cases.add(grpc(
                    cat,
                    "ValidateFence token=" + name,
                    OK,
                    () -> expectNotCurrent(f.locks()
                            .validateFence(ValidateFenceRequest.newBuilder()
                                    .setKey(f.held)
                                    .setFencingToken(token)
                                    .build()))));
            cases.add(grpc(
                    cat,
                    "ForceRelease expected_fencing_token=" + name,
                    FAILED_PRECONDITION,
                    () -> f.locks()
                            .forceRelease(ForceReleaseRequest.newBuilder()
                                    .setKey(f.held)
                                    .setReason("sweep")
                                    .setExpectedFencingToken(token)
                                    .build())));
        });
        cases.add(grpc(
                cat,
                "ValidateFence token=0",
                OK,
                () -> expectNotCurrent(f.locks()
                        .validateFence(ValidateFenceRequest.newBuilder()
                                .setKey(f.held)
                                .setFencingToken(0)
                                .build()))));
        cases.add(grpc(
                cat,
                "ValidateFence of a key never acquired",
                OK,
                () -> expectNotCurrent(f.locks()
                        .validateFence(ValidateFenceRequest.newBuilder()
                                .setKey(f.prefix + "/never")
                                .setFencingToken(1)
                                .build()))));
        cases.add(invalid(
                cat,
                "ForceRelease without a reason",
                "reason",
                () -> f.locks()
                        .forceRelease(ForceReleaseRequest.newBuilder()
                                .setKey(f.held)
                                .setExpectedFencingToken(current + 1)
                                .build())));
        cases.add(invalid(
                cat,
                "ForceRelease with a blank reason",
                "reason",
                () -> f.locks()
                        .forceRelease(ForceReleaseRequest.newBuilder()
                                .setKey(f.held)
                                .setReason(" \t\n")
                                .build())));
        cases.add(invalid(
                cat,
                "ForceRelease with a 512 KiB reason",
                "reason",
                () -> f.locks()
                        .forceRelease(ForceReleaseRequest.newBuilder()
                                .setKey(f.held)
                                .setReason("r".repeat(512 * 1024))
                                .setExpectedFencingToken(current + 1)
                                .build())));
    }

    private static Object expectNotCurrent(io.statelock.proto.v1.ValidateFenceResponse r) {
        if (r.getCurrent()) throw new AssertionError("a wrong token was reported current");
        return r;
    }

    private void lockInfo() {
        String cat = "lock-info";
        Map<String, UnaryOperator<LockInfo.Builder>> bad = new java.util.LinkedHashMap<>();
        bad.put("33 labels", b -> labels(b, 33, "v"));
        bad.put("10000 labels", b -> labels(b, 10_000, "v"));
        bad.put("a 5 KiB label value", b -> labels(b, 1, "v".repeat(5 * 1024)));
        bad.put("an empty label name", b -> b.putLabels("", "x"));
        bad.put("operation of 4097 bytes", b -> b.setOperation("o".repeat(4097)));
        bad.put("info of 1 MiB", b -> b.setInfo("i".repeat(1 << 20)));
        bad.put("who of 2000 three-byte characters", b -> b.setWho("\u20ac".repeat(2000)));
        bad.put(
                "every field 1 KiB",
                b -> b.setOperation("o".repeat(1024))
                        .setWho("w".repeat(1024))
                        .setVersion("v".repeat(1024))
                        .setPath("p".repeat(1024))
                        .setInfo("i".repeat(1024)));
        bad.forEach((name, edit) -> cases.add(invalid(
                cat,
                "Acquire info with " + name,
                name.contains("label") && !name.contains("value") ? "info.labels" : "info",
                () -> f.locks()
                        .acquire(acquire()
                                .setInfo(edit.apply(LockInfo.newBuilder()))
                                .build()))));
        cases.add(invalid(
                cat,
                "Acquire with an empty owner",
                "owner",
                () -> f.locks().acquire(acquire().setOwner("").build())));
        cases.add(invalid(
                cat,
                "Acquire with a 257-character owner",
                "owner",
                () -> f.locks().acquire(acquire().setOwner("o".repeat(257)).build())));
        cases.add(invalid(
                cat,
                "Acquire with a 129-character request_id",
                "request_id",
                () -> f.locks().acquire(acquire().setRequestId("r".repeat(129)).build())));
        cases.add(grpc(
                cat,
                "Acquire with control characters in owner and labels (held: ABORTED)",
                ABORTED,
                () -> f.locks()
                        .acquire(acquire()
                                .setOwner("evil\u0000\u001b[2J")
                                .setInfo(LockInfo.newBuilder().putLabels("\u202e", "\u0000"))
                                .build())));
    }

    private static LockInfo.Builder labels(LockInfo.Builder b, int n, String value) {
        for (int i = 0; i < n; i++) b.putLabels("l" + i, value);
        return b;
    }

    private void listingAndAudit() {
        String cat = "listing";
        Timestamp far = Timestamp.newBuilder().setSeconds(Long.MAX_VALUE).build();
        Timestamp before = Timestamp.newBuilder().setSeconds(Long.MIN_VALUE).build();
        cases.add(invalid(
                cat,
                "List prefix with a leading '/'",
                "prefix",
                () -> f.locks().list(ListRequest.newBuilder().setPrefix("/prod").build())));
        cases.add(invalid(
                cat,
                "List prefix with NUL",
                "prefix",
                () -> f.locks()
                        .list(ListRequest.newBuilder().setPrefix("prod\u0000").build())));
        cases.add(invalid(
                cat,
                "List prefix of 513 characters",
                "prefix",
                () -> f.locks()
                        .list(ListRequest.newBuilder()
                                .setPrefix("p".repeat(513))
                                .build())));
        cases.add(invalid(
                cat,
                "List page_size=-1",
                "page_size",
                () -> f.locks().list(ListRequest.newBuilder().setPageSize(-1).build())));
        cases.add(invalid(
                cat,
                "List page_token garbage",
                "page_token",
                () -> f.locks()
                        .list(ListRequest.newBuilder()
                                .setPrefix(f.prefix)
                                .setPageToken("%%not a token%%")
                                .build())));
        cases.add(invalid(
                cat,
                "List page_token of 64 KiB",
                "page_token",
                () -> f.locks()
                        .list(ListRequest.newBuilder()
                                .setPrefix(f.prefix)
                                .setPageToken("t".repeat(64 * 1024))
                                .build())));
        cases.add(grpc(
                cat,
                "List page_size=Integer.MAX_VALUE (capped at 1000)",
                OK,
                () -> f.locks()
                        .list(ListRequest.newBuilder()
                                .setPrefix(f.prefix)
                                .setPageSize(Integer.MAX_VALUE)
                                .build())));
        cases.add(invalid(
                cat,
                "Watch with both key and prefix",
                "prefix",
                () -> f.locks()
                        .watch(WatchRequest.newBuilder()
                                .setKey(f.held)
                                .setPrefix(f.prefix)
                                .build())
                        .hasNext()));
        cases.add(invalid(
                cat,
                "Watch prefix with a leading '/'",
                "prefix",
                () -> f.locks()
                        .watch(WatchRequest.newBuilder().setPrefix("/prod").build())
                        .hasNext()));
        cases.add(invalid(
                cat,
                "Watch prefix with an RTL override",
                "prefix",
                () -> f.locks()
                        .watch(WatchRequest.newBuilder()
                                .setPrefix("prod/\u202e")
                                .build())
                        .hasNext()));
        cases.add(invalid(
                cat,
                "Audit page_size=-1",
                "page_size",
                () -> f.locks()
                        .audit(AuditRequest.newBuilder()
                                .setPrefix(f.prefix)
                                .setPageSize(-1)
                                .build())));
        cases.add(invalid(
                cat,
                "Audit since at Long.MAX_VALUE seconds",
                "since",
                () -> f.locks()
                        .audit(AuditRequest.newBuilder()
                                .setPrefix(f.prefix)
                                .setSince(far)
                                .build())));
        cases.add(invalid(
                cat,
                "Audit until at Long.MIN_VALUE seconds",
                "until",
                () -> f.locks()
                        .audit(AuditRequest.newBuilder()
                                .setPrefix(f.prefix)
                                .setUntil(before)
                                .build())));
        cases.add(invalid(
                cat,
                "Audit since with nanos -1",
                "since",
                () -> f.locks()
                        .audit(AuditRequest.newBuilder()
                                .setPrefix(f.prefix)
                                .setSince(Timestamp.newBuilder().setNanos(-1))
                                .build())));
        cases.add(invalid(
                cat,
                "Audit page_token garbage",
                "page_token",
                () -> f.locks()
                        .audit(AuditRequest.newBuilder()
                                .setPrefix(f.prefix)
                                .setPageToken("%%not a token%%")
                                .build())));
        cases.add(invalid(
                cat,
                "Audit prefix with NUL",
                "prefix",
                () -> f.locks()
                        .audit(AuditRequest.newBuilder().setPrefix("prod\u0000").build())));
    }
}

package io.statelock.sweep;

import static io.grpc.Status.Code.FAILED_PRECONDITION;
import static io.grpc.Status.Code.NOT_FOUND;
import static io.statelock.sweep.SweepCase.grpc;
import static io.statelock.sweep.SweepCase.invalid;

import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.GetStateRequest;
import io.statelock.proto.v1.ListVersionsRequest;
import io.statelock.proto.v1.PutStateHeader;
import io.statelock.proto.v1.RollbackRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** StateService unary calls and PutState headers: hostile keys, version ids, guessed leases and fences. */
final class StateCases {
    private final SweepFixture f;
    private final List<SweepCase> cases = new ArrayList<>();

    private StateCases(SweepFixture f) {
        this.f = f;
    }

    static List<SweepCase> all(SweepFixture f) {
        StateCases c = new StateCases(f);
        c.keys();
        c.versions();
        c.writers();
        return c.cases;
    }

    private void keys() {
        HostileKeys.grpc().forEach((name, key) -> {
            String cat = "key";
            cases.add(invalid(
                    cat,
                    "GetState key=" + name,
                    "key",
                    () -> f.states()
                            .getState(GetStateRequest.newBuilder().setKey(key).build())
                            .hasNext()));
            cases.add(invalid(
                    cat,
                    "ListVersions key=" + name,
                    "key",
                    () -> f.states()
                            .listVersions(
                                    ListVersionsRequest.newBuilder().setKey(key).build())));
            cases.add(invalid(
                    cat,
                    "Rollback key=" + name,
                    "key",
                    () -> f.states().rollback(rollback(f.heldLease).setKey(key).build())));
            PutStateHeader header =
                    f.header(f.held, f.heldLease).toBuilder().setKey(key).build();
            cases.add(invalid(
                    cat,
                    "PutState key=" + name,
                    "key",
                    () -> PutStreams.put(f, header, SweepFixture.state(3, SweepFixture.LINEAGE))));
        });
    }

    private RollbackRequest.Builder rollback(AcquireResponse lease) {
        return RollbackRequest.newBuilder()
                .setKey(f.held)
                .setLeaseId(lease.getLeaseId())
                .setFencingToken(lease.getFencingToken())
                .setToVersion("1");
    }

    private void versions() {
        String cat = "version";
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("letters", "abc");
        bad.put("0", "0");
        bad.put("-1", "-1");
        bad.put("1e3", "1e3");
        bad.put("leading space", " 1");
        bad.put("larger than a long", "99999999999999999999");
        bad.put("NUL", "1\u0000");
        bad.forEach((name, v) -> {
            cases.add(invalid(
                    cat,
                    "GetState version=" + name,
                    "version",
                    () -> f.states()
                            .getState(GetStateRequest.newBuilder()
                                    .setKey(f.held)
                                    .setVersion(v)
                                    .build())
                            .hasNext()));
            cases.add(invalid(
                    cat,
                    "ListVersions page_token=" + name,
                    "page_token",
                    () -> f.states()
                            .listVersions(ListVersionsRequest.newBuilder()
                                    .setKey(f.held)
                                    .setPageToken(v)
                                    .build())));
            cases.add(invalid(
                    cat,
                    "Rollback to_version=" + name + " with the real lease",
                    "to_version",
                    () -> f.states()
                            .rollback(rollback(f.heldLease).setToVersion(v).build())));
        });
        cases.add(grpc(
                cat,
                "GetState version=999999 (never written)",
                NOT_FOUND,
                () -> f.states()
                        .getState(GetStateRequest.newBuilder()
                                .setKey(f.held)
                                .setVersion("999999")
                                .build())
                        .hasNext()));
        cases.add(grpc(
                cat,
                "GetState of a key without state",
                NOT_FOUND,
                () -> f.states()
                        .getState(GetStateRequest.newBuilder().setKey(f.other).build())
                        .hasNext()));
        cases.add(grpc(
                cat,
                "Rollback to_version=999999 with the real lease",
                NOT_FOUND,
                () -> f.states()
                        .rollback(rollback(f.heldLease).setToVersion("999999").build())));
        cases.add(invalid(
                cat,
                "ListVersions page_size=-1",
                "page_size",
                () -> f.states()
                        .listVersions(ListVersionsRequest.newBuilder()
                                .setKey(f.held)
                                .setPageSize(-1)
                                .build())));
        cases.add(invalid(
                cat,
                "Rollback with an empty to_version",
                "to_version",
                () -> f.states().rollback(rollback(f.heldLease).setToVersion("").build())));
    }

    private void writers() {
        String cat = "fence";
        long current = f.heldLease.getFencingToken();
        byte[] next = SweepFixture.state(3, SweepFixture.LINEAGE);
        Map<String, Long> stale = new LinkedHashMap<>();
        stale.put("from the future", current + 1_000_000);
        stale.put("previous", current - 1);
        stale.put("uint64 max", -1L);
        stale.put("another epoch", (7L << 40) + current);
        stale.forEach((name, token) -> {
            cases.add(grpc(
                    cat,
                    "PutState real lease, token=" + name,
                    FAILED_PRECONDITION,
                    () -> PutStreams.put(
                            f,
                            f.header(f.held, f.heldLease).toBuilder()
                                    .setFencingToken(token)
                                    .build(),
                            next)));
            cases.add(grpc(
                    cat,
                    "Rollback real lease, token=" + name,
                    FAILED_PRECONDITION,
                    () -> f.states()
                            .rollback(
                                    rollback(f.heldLease).setFencingToken(token).build())));
        });
        cases.add(invalid(
                cat,
                "PutState real lease, token=0",
                "fencing_token",
                () -> PutStreams.put(
                        f,
                        f.header(f.held, f.heldLease).toBuilder()
                                .setFencingToken(0)
                                .build(),
                        next)));
        cases.add(grpc(
                cat,
                "Rollback real lease, token=0",
                FAILED_PRECONDITION,
                () -> f.states()
                        .rollback(rollback(f.heldLease).setFencingToken(0).build())));

        String leases = "lease";
        Map<String, String> guessed = new LinkedHashMap<>();
        guessed.put("random", java.util.UUID.randomUUID().toString());
        guessed.put("another key's lease", f.otherLease.getLeaseId());
        guessed.put("prefix of the real one", f.heldLease.getLeaseId().substring(0, 8));
        guessed.put("the public lease_id_hint", f.heldHint);
        guessed.forEach((name, lease) -> {
            cases.add(grpc(
                    leases,
                    "PutState lease=" + name,
                    FAILED_PRECONDITION,
                    () -> PutStreams.put(
                            f,
                            f.header(f.held, f.heldLease).toBuilder()
                                    .setLeaseId(lease)
                                    .build(),
                            next)));
            cases.add(grpc(
                    leases,
                    "Rollback lease=" + name,
                    FAILED_PRECONDITION,
                    () -> f.states()
                            .rollback(rollback(f.heldLease).setLeaseId(lease).build())));
        });
        cases.add(invalid(
                leases,
                "PutState with an empty lease",
                "lease_id",
                () -> PutStreams.put(
                        f,
                        f.header(f.held, f.heldLease).toBuilder().setLeaseId("").build(),
                        next)));
        cases.add(invalid(
                leases,
                "Rollback with an empty lease",
                "lease_id",
                () -> f.states().rollback(rollback(f.heldLease).setLeaseId("").build())));
        cases.add(grpc(
                leases,
                "PutState another key's lease and token on this key",
                FAILED_PRECONDITION,
                () -> PutStreams.put(f, f.header(f.held, f.otherLease), next)));
        cases.add(grpc(
                leases,
                "PutState the real lease on a key it does not hold",
                FAILED_PRECONDITION,
                () -> PutStreams.put(f, f.header(f.free, f.heldLease), next)));
    }
}

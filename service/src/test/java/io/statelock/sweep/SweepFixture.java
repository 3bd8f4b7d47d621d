package io.statelock.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.grpc.ManagedChannel;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.DescribeRequest;
import io.statelock.proto.v1.LockInfo;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.PutStateHeader;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.proto.v1.StateServiceGrpc;
import io.statelock.testing.StateClient;
import io.statelock.testing.TerraformHttp;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The keys the sweep is aimed at, set up so that "nothing changed" means something: {@link #held}
 * has a live gRPC lease and two state versions, {@link #tf} is locked through the http backend and
 * has a state, {@link #free} was released and keeps its fence and state, {@link #other} is held too
 * (its lease id is "another key's lease").
 */
final class SweepFixture {
    static final String LINEAGE = "sweep-lineage";
    static final long LEASE_SECONDS = 600;

    final ManagedChannel channel;
    final int port;
    final String prefix = "sweep/" + UUID.randomUUID().toString().substring(0, 8);
    final String held = prefix + "/held/terraform.tfstate";
    final String tf = prefix + "/tf/terraform.tfstate";
    final String free = prefix + "/free/terraform.tfstate";
    final String other = prefix + "/other/terraform.tfstate";
    final String heldRequestId = "sweep-" + UUID.randomUUID();
    final String tfId = UUID.randomUUID().toString();
    AcquireResponse heldLease;
    AcquireResponse otherLease;
    String heldHint;

    SweepFixture(ManagedChannel channel, int port) {
        this.channel = channel;
        this.port = port;
    }

    LockServiceGrpc.LockServiceBlockingStub locks() {
        return LockServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    StateServiceGrpc.StateServiceBlockingStub states() {
        return StateServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    StateClient stateClient() {
        return new StateClient(channel);
    }

    TerraformHttp http(String key) {
        return new TerraformHttp(port, key).withTimeout(java.time.Duration.ofSeconds(20));
    }

    static byte[] state(long serial, String lineage) {
        return ("{\"version\":4,\"terraform_version\":\"1.9.5\",\"serial\":" + serial + ",\"lineage\":\"" + lineage
                        + "\",\"outputs\":{},\"resources\":[]}\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    PutStateHeader header(String key, AcquireResponse lease) {
        return PutStateHeader.newBuilder()
                .setKey(key)
                .setLeaseId(lease.getLeaseId())
                .setFencingToken(lease.getFencingToken())
                .build();
    }

    SweepFixture setUp() throws Exception {
        // Token 2, so that "the previous token" is a real one (0 means "any" to ForceRelease).
        AcquireResponse first = acquire(held, "");
        locks().release(ReleaseRequest.newBuilder()
                .setKey(held)
                .setLeaseId(first.getLeaseId())
                .build());
        heldLease = acquire(held, heldRequestId);
        stateClient().put(header(held, heldLease), state(1, LINEAGE));
        stateClient().put(header(held, heldLease), state(2, LINEAGE));
        heldHint = locks().describe(DescribeRequest.newBuilder().setKey(held).build())
                .getLeaseIdHint();
        otherLease = acquire(other, "");

        AcquireResponse freeLease = acquire(free, "");
        stateClient().put(header(free, freeLease), state(1, LINEAGE));
        locks().release(ReleaseRequest.newBuilder()
                .setKey(free)
                .setLeaseId(freeLease.getLeaseId())
                .build());

        TerraformHttp http = http(tf);
        assertThat(http.lock(TerraformHttp.lockInfo(tfId, "sweep@terraform")).statusCode())
                .isEqualTo(200);
        assertThat(http.post(tfId, state(1, LINEAGE)).statusCode()).isEqualTo(200);
        return this;
    }

    private AcquireResponse acquire(String key, String requestId) {
        return locks().acquire(AcquireRequest.newBuilder()
                .setKey(key)
                .setOwner("sweep-holder")
                .setRequestId(requestId)
                .setTtl(Duration.newBuilder().setSeconds(LEASE_SECONDS))
                .setInfo(LockInfo.newBuilder().setOperation("apply").putLabels("suite", "bad-input-sweep"))
                .build());
    }
}

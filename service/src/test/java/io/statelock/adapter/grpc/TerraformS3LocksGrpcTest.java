package io.statelock.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AuditRecord;
import io.statelock.proto.v1.AuditRequest;
import io.statelock.proto.v1.DescribeRequest;
import io.statelock.proto.v1.ForceReleaseRequest;
import io.statelock.proto.v1.ForceReleaseResponse;
import io.statelock.proto.v1.ListRequest;
import io.statelock.proto.v1.LockHeld;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.LockStatus;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.S3Proxy;
import io.statelock.testing.S3ProxyClients;
import io.statelock.testing.TerraformS3Profile;
import io.statelock.testing.TerraformS3Resource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Locks taken by plain Terraform runs on the S3 backend, written here exactly as Terraform 1.11 writes them (a lock
 * table item with the LockInfo JSON, its {@code -md5} digest item beside it, the {@code .tflock} file), seen and
 * broken through the LockService (dynalite and s3proxy on loopback).
 */
@QuarkusTest
@TestProfile(TerraformS3Profile.class)
class TerraformS3LocksGrpcTest extends ChannelTest {
    @ConfigProperty(name = "statelock.terraform-s3.buckets")
    String bucket;

    @ConfigProperty(name = "statelock.terraform-s3.dynamodb-table")
    String table;

    LockServiceGrpc.LockServiceBlockingStub locks;
    DynamoDbClient dynamo;
    S3Client s3;

    @BeforeEach
    void open() {
        locks = LockServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        dynamo = TerraformS3Resource.dynamoDb();
        s3 = S3ProxyClients.of(S3Proxy.shared());
    }

    @AfterEach
    void close() {
        dynamo.close();
        s3.close();
    }

    /** A state key of this test's bucket and its statelock key (Terraform's LockID). */
    record State(String stateKey, String lockId) {}

    State state() {
        String stateKey = "team-" + UUID.randomUUID().toString().substring(0, 8) + "/terraform.tfstate";
        return new State(stateKey, bucket + "/" + stateKey);
    }

    static String lockInfo(String id, String who, String path) {
        return "{\"ID\":\"" + id + "\",\"Operation\":\"OperationTypeApply\",\"Info\":\"\",\"Who\":\"" + who
                + "\",\"Version\":\"1.11.4\",\"Created\":\"2026-12-07T10:00:00.123456789Z\",\"Path\":\"" + path + "\"}";
    }

    void lockInTable(State s, String info) {
        dynamo.putItem(r -> r.tableName(table)
                .item(Map.of("LockID", AttributeValue.fromS(s.lockId()), "Info", AttributeValue.fromS(info))));
        dynamo.putItem(r -> r.tableName(table)
                .item(Map.of(
                        "LockID",
                        AttributeValue.fromS(s.lockId() + "-md5"),
                        "Digest",
                        AttributeValue.fromS("0123456789abcdef0123456789abcdef"))));
    }

    void lockFile(State s, String info) {
        s3.putObject(r -> r.bucket(bucket).key(s.stateKey() + ".tflock"), RequestBody.fromString(info));
    }

    boolean inTable(State s) {
        return dynamo.getItem(r ->
                        r.tableName(table).consistentRead(true).key(Map.of("LockID", AttributeValue.fromS(s.lockId()))))
                .hasItem();
    }

    boolean fileExists(State s) {
        try {
            s3.headObject(r -> r.bucket(bucket).key(s.stateKey() + ".tflock"));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) return false;
            throw e;
        }
    }

    @Test
    void aPlainRunsLockIsShownByDescribeAndListWithItsMechanisms() {
        State both = state();
        String id = UUID.randomUUID().toString();
        lockInTable(both, lockInfo(id, "alice@runner-7", both.lockId()));
        lockFile(both, lockInfo(id, "alice@runner-7", both.lockId()));
        State tableOnly = state();
        String other = UUID.randomUUID().toString();
        lockInTable(tableOnly, lockInfo(other, "bob@laptop", tableOnly.lockId()));

        LockStatus seen = locks.describe(
                DescribeRequest.newBuilder().setKey(both.lockId()).build());
        assertThat(seen.getHeld()).isTrue();
        assertThat(seen.getOwner()).isEqualTo("alice@runner-7");
        assertThat(seen.getInfo().getOperation()).isEqualTo("OperationTypeApply");
        assertThat(seen.getInfo().getWho()).isEqualTo("alice@runner-7");
        assertThat(seen.getInfo().getVersion()).isEqualTo("1.11.4");
        assertThat(seen.getInfo().getLabelsMap())
                .containsEntry("terraform-lock-id", id)
                .containsEntry("terraform-lock", "dynamodb-table,lockfile");
        assertThat(Instant.ofEpochSecond(seen.getAcquiredAt().getSeconds()))
                .isEqualTo(Instant.parse("2026-12-07T10:00:00Z"));
        assertThat(seen.hasExpiresAt()).as("a plain run's lock never expires").isFalse();

        List<LockStatus> listed = locks.list(
                        ListRequest.newBuilder().setPrefix(bucket + "/").build())
                .getLocksList();
        assertThat(listed)
                .extracting(LockStatus::getKey)
                .contains(both.lockId(), tableOnly.lockId())
                .doesNotContain(tableOnly.lockId() + "-md5");
        LockStatus onlyTable = listed.stream()
                .filter(l -> l.getKey().equals(tableOnly.lockId()))
                .findFirst()
                .orElseThrow();
        assertThat(onlyTable.getOwner()).isEqualTo("bob@laptop");
        assertThat(onlyTable.getInfo().getLabelsMap())
                .containsEntry("terraform-lock", "dynamodb-table")
                .containsEntry("terraform-lock-id", other);
    }

    @Test
    void listingPageByPageVisitsEveryPlainRunLockOnce() {
        String prefix = bucket + "/paged-" + UUID.randomUUID().toString().substring(0, 6) + "/";
        List<String> keys = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String k = prefix + "s" + i + "/terraform.tfstate";
            keys.add(k);
            if (i % 2 == 0) {
                // statelock keys too, between the plain runs' keys
                locks.acquire(LockServiceGrpcTest.acquire(k, "statelock-run").build());
            } else {
                State s = new State(k.substring(bucket.length() + 1), k);
                lockFile(s, lockInfo(UUID.randomUUID().toString(), "plain-" + i, k));
            }
        }
        List<String> seen = new java.util.ArrayList<>();
        String token = "";
        do {
            var page = locks.list(ListRequest.newBuilder()
                    .setPrefix(prefix)
                    .setPageSize(2)
                    .setPageToken(token)
                    .build());
            page.getLocksList().forEach(l -> seen.add(l.getKey()));
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        assertThat(seen).containsExactlyElementsOf(keys);
    }

    @Test
    void anAcquireIsRefusedNamingThePlainRunAndAWaitingOneIsGrantedWhenItsLockGoes() throws Exception {
        State s = state();
        String id = UUID.randomUUID().toString();
        lockFile(s, lockInfo(id, "alice@runner-7", s.lockId()));
        lockInTable(s, lockInfo(id, "alice@runner-7", s.lockId()));

        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> locks.acquire(
                        LockServiceGrpcTest.acquire(s.lockId(), "ci").build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
        LockHeld held = LockServiceGrpcTest.detail(e, LockHeld.class);
        assertThat(held.getHolder().getOwner()).isEqualTo("alice@runner-7");
        assertThat(held.getHolder().getInfo().getLabelsMap()).containsEntry("terraform-lock-id", id);

        AcquireRequest waiting = LockServiceGrpcTest.acquire(s.lockId(), "ci")
                .setWaitTimeout(LockServiceGrpcTest.seconds(20))
                .build();
        CompletableFuture<io.statelock.proto.v1.AcquireResponse> granted =
                CompletableFuture.supplyAsync(() -> locks.acquire(waiting));
        Thread.sleep(1500);
        assertThat(granted).as("still held by the plain run").isNotDone();
        // The plain run ends: Terraform removes its item and its lock file.
        dynamo.deleteItem(r -> r.tableName(table).key(Map.of("LockID", AttributeValue.fromS(s.lockId()))));
        s3.deleteObject(r -> r.bucket(bucket).key(s.stateKey() + ".tflock"));
        var lease = granted.get(15, TimeUnit.SECONDS);
        assertThat(lease.getFencingToken()).isPositive();
        locks.release(ReleaseRequest.newBuilder()
                .setKey(s.lockId())
                .setLeaseId(lease.getLeaseId())
                .build());
    }

    @Test
    void anAdminBreaksAStaleLockByItsIdOnlyAndTheBreakIsAudited() {
        State s = state();
        String id = UUID.randomUUID().toString();
        lockInTable(s, lockInfo(id, "crashed@runner-3", s.lockId()));
        lockFile(s, lockInfo(id, "crashed@runner-3", s.lockId()));

        ForceReleaseResponse wrong = locks.forceRelease(ForceReleaseRequest.newBuilder()
                .setKey(s.lockId())
                .setReason("runner 3 crashed")
                .setTerraformLockId(UUID.randomUUID().toString())
                .build());
        assertThat(wrong.getReleased()).isFalse();
        assertThat(wrong.getPrevious().getOwner()).isEqualTo("crashed@runner-3");
        assertThat(inTable(s)).isTrue();
        assertThat(fileExists(s)).isTrue();

        ForceReleaseResponse broken = locks.forceRelease(ForceReleaseRequest.newBuilder()
                .setKey(s.lockId())
                .setReason("runner 3 crashed")
                .setTerraformLockId(id)
                .build());
        assertThat(broken.getReleased()).isTrue();
        assertThat(broken.getPrevious().getOwner()).isEqualTo("crashed@runner-3");
        assertThat(inTable(s)).isFalse();
        assertThat(fileExists(s)).isFalse();
        assertThat(dynamo.getItem(r -> r.tableName(table)
                                .consistentRead(true)
                                .key(Map.of("LockID", AttributeValue.fromS(s.lockId() + "-md5"))))
                        .hasItem())
                .as("the state digest Terraform checks stays")
                .isTrue();
        assertThat(locks.describe(
                                DescribeRequest.newBuilder().setKey(s.lockId()).build())
                        .getHeld())
                .isFalse();

        List<AuditRecord> audit = locks.audit(
                        AuditRequest.newBuilder().setPrefix(s.lockId()).build())
                .getRecordsList();
        assertThat(audit)
                .filteredOn(a -> a.getAction().equals("terraform-force-unlock"))
                .extracting(AuditRecord::getOutcome, AuditRecord::getPreviousOwner)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("released", "crashed@runner-3"),
                        org.assertj.core.groups.Tuple.tuple("not-held", "crashed@runner-3"));
        assertThat(audit)
                .filteredOn(a -> a.getOutcome().equals("released"))
                .allMatch(a -> a.getReason().contains("runner 3 crashed")
                        && a.getReason().contains(id));
    }

    @Test
    void breakingAPlainRunLockNeedsAReasonAndATerraformKey() {
        State s = state();
        assertThatThrownBy(() -> locks.forceRelease(ForceReleaseRequest.newBuilder()
                        .setKey(s.lockId())
                        .setTerraformLockId("x")
                        .build()))
                .satisfies(
                        t -> assertThat(((StatusRuntimeException) t).getStatus().getCode())
                                .isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThatThrownBy(() -> locks.forceRelease(ForceReleaseRequest.newBuilder()
                        .setKey("elsewhere/terraform.tfstate")
                        .setReason("r")
                        .setTerraformLockId("x")
                        .build()))
                .satisfies(
                        t -> assertThat(((StatusRuntimeException) t).getStatus().getDescription())
                                .contains("statelock.terraform-s3.buckets"));
    }

    @Test
    void aWatchSeesAPlainRunsLockComeAndGo() {
        State s = state();
        java.util.Iterator<io.statelock.proto.v1.LockEvent> events = LockServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .watch(io.statelock.proto.v1.WatchRequest.newBuilder()
                        .setKey(s.lockId())
                        .build());
        assertThat(events.next().getStatus().getHeld()).as("the snapshot: free").isFalse();
        String id = UUID.randomUUID().toString();
        lockInTable(s, lockInfo(id, "carol@runner-1", s.lockId()));
        io.statelock.proto.v1.LockEvent taken = events.next();
        assertThat(taken.getStatus().getHeld()).isTrue();
        assertThat(taken.getStatus().getOwner()).isEqualTo("carol@runner-1");
        assertThat(taken.getStatus().getInfo().getLabelsMap()).containsEntry("terraform-lock-id", id);
        dynamo.deleteItem(r -> r.tableName(table).key(Map.of("LockID", AttributeValue.fromS(s.lockId()))));
        io.statelock.proto.v1.LockEvent gone = events.next();
        assertThat(gone.getStatus().getHeld()).isFalse();
    }

    String tableInfo(State s) {
        var item = dynamo.getItem(r ->
                        r.tableName(table).consistentRead(true).key(Map.of("LockID", AttributeValue.fromS(s.lockId()))))
                .item();
        return item == null || !item.containsKey("Info")
                ? null
                : item.get("Info").s();
    }

    String fileInfo(State s) {
        try {
            return s3.getObjectAsBytes(r -> r.bucket(bucket).key(s.stateKey() + ".tflock"))
                    .asUtf8String();
        } catch (NoSuchKeyException e) {
            return null;
        }
    }

    @Test
    void aLeaseHoldsTerraformsOwnLockWhileItLastsAndGivesItBackOnRelease() {
        State s = state();
        var lease = locks.acquire(
                LockServiceGrpcTest.acquire(s.lockId(), "ci-job-42").build());
        assertThat(lease.getTerraformLockId()).isNotEmpty();
        String item = tableInfo(s);
        String file = fileInfo(s);
        assertThat(item)
                .as("the lock table item, as Terraform writes it")
                .isNotNull()
                .contains("\"ID\":\"" + lease.getTerraformLockId() + "\"")
                .contains("\"Who\":\"ci-job-42\"")
                .contains("\"Version\":\"statelock\"")
                .contains("\"Path\":\"" + s.lockId() + "\"");
        assertThat(file).as("the lock file holds the same lock").isEqualTo(item);
        LockStatus seen =
                locks.describe(DescribeRequest.newBuilder().setKey(s.lockId()).build());
        assertThat(seen.getOwner())
                .as("statelock's own Terraform lock shows as its lease")
                .isEqualTo("ci-job-42");
        assertThat(seen.getInfo().getLabelsMap()).doesNotContainKey("terraform-lock-id");

        locks.release(ReleaseRequest.newBuilder()
                .setKey(s.lockId())
                .setLeaseId(lease.getLeaseId())
                .build());
        assertThat(tableInfo(s)).isNull();
        assertThat(fileInfo(s)).isNull();
    }

    @Test
    void theTerraformLockOfALeaseThatExpiresUnreleasedIsRemovedAndAudited() throws Exception {
        State s = state();
        var lease = locks.acquire(LockServiceGrpcTest.acquire(s.lockId(), "killed-runner")
                .setTtl(LockServiceGrpcTest.seconds(1))
                .build());
        assertThat(tableInfo(s)).isNotNull();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (tableInfo(s) != null || fileInfo(s) != null) {
            assertThat(System.nanoTime())
                    .as("statelock's Terraform lock outlived its lease")
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
        List<AuditRecord> audit = locks.audit(
                        AuditRequest.newBuilder().setPrefix(s.lockId()).build())
                .getRecordsList();
        assertThat(audit)
                .filteredOn(a -> a.getAction().equals("terraform-lock-healed"))
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.getPreviousOwner()).isEqualTo("killed-runner");
                    assertThat(a.getPreviousFencingToken()).isEqualTo(lease.getFencingToken());
                    assertThat(a.getReason())
                            .contains(lease.getTerraformLockId())
                            .contains("expired");
                });
    }

    @Test
    void noLeaseCanPassForAPlainRunNorAPlainRunForALease() {
        State s = state();
        StatusRuntimeException faked = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> locks.acquire(LockServiceGrpcTest.acquire(s.lockId(), "mallory")
                        .setInfo(io.statelock.proto.v1.LockInfo.newBuilder().putLabels("terraform-lock-id", "x"))
                        .build()));
        assertThat(faked.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

        var lease = locks.acquire(LockServiceGrpcTest.acquire(s.lockId(), "ci").build());
        // statelock's own Terraform lock is the lease's: its ID breaks nothing.
        ForceReleaseResponse byMirrorId = locks.forceRelease(ForceReleaseRequest.newBuilder()
                .setKey(s.lockId())
                .setReason("r")
                .setTerraformLockId(lease.getTerraformLockId())
                .build());
        assertThat(byMirrorId.getReleased()).isFalse();
        assertThat(tableInfo(s)).isNotNull();
        locks.release(ReleaseRequest.newBuilder()
                .setKey(s.lockId())
                .setLeaseId(lease.getLeaseId())
                .build());

        // The lease's token is not current under a plain run's lock, though the key's counter is still the lease's.
        lockInTable(s, lockInfo(UUID.randomUUID().toString(), "alice@runner-7", s.lockId()));
        var check = locks.validateFence(io.statelock.proto.v1.ValidateFenceRequest.newBuilder()
                .setKey(s.lockId())
                .setFencingToken(lease.getFencingToken())
                .build());
        assertThat(check.getCurrent()).isFalse();
    }

    @Test
    void aHugeLockFileIsShownCutAndAListingOfEveryKeyLeavesTheBucketsAlone() {
        State s = state();
        String big = "x".repeat(20_000);
        lockFile(
                s,
                lockInfo(UUID.randomUUID().toString(), big, s.lockId())
                        .replace("\"Info\":\"\"", "\"Info\":\"" + big + "\""));
        LockStatus seen =
                locks.describe(DescribeRequest.newBuilder().setKey(s.lockId()).build());
        assertThat(seen.getHeld()).isTrue();
        assertThat(seen.getOwner().length()).isLessThan(300);
        // Outside one bucket the listing is statelock's own: no plain-run lock, no Terraform store call.
        assertThat(locks.list(ListRequest.newBuilder().setPrefix("").build()).getLocksList())
                .extracting(LockStatus::getKey)
                .doesNotContain(s.lockId());
    }
}

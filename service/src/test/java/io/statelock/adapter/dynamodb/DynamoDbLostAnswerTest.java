package io.statelock.adapter.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.statelock.audit.AuditEntry;
import io.statelock.audit.AuditQuery;
import io.statelock.common.LockKey;
import io.statelock.lock.LeaseOwner;
import io.statelock.lock.LockInfo;
import io.statelock.lock.LockRecord;
import io.statelock.lock.port.AcquireResult;
import io.statelock.lock.port.ForceReleaseResult;
import io.statelock.lock.port.HeartbeatResult;
import io.statelock.lock.port.NewLease;
import io.statelock.lock.port.ReleaseResult;
import io.statelock.state.StateVersion;
import io.statelock.state.port.PointerMove;
import io.statelock.state.port.PointerResult;
import io.statelock.testing.Dynalite;
import io.statelock.testing.FaultProxy;
import io.statelock.testing.StoreRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Every lock and state write whose first attempt dynalite applied but whose answer was lost on the way
 * back (a {@link FaultProxy} between the SDK and dynalite), so the SDK's own default retry policy
 * sends it again and its condition fails against the first attempt's write. Each write must answer as
 * its first attempt would have: one grant per acquire with the fence one above the last, one version
 * per pointer move, a release that says it released.
 */
class DynamoDbLostAnswerTest {
    static final long T0 = 1_800_000_000_000L;
    static final String TABLE = "lost-" + UUID.randomUUID().toString().substring(0, 8);
    static final String AUDIT_TABLE = TABLE + "-audit";
    static final Predicate<StoreRequest> UPDATE_ITEM = r -> r.isDynamo("UpdateItem");

    static FaultProxy proxy;
    static DynamoDbClient client;
    static DynamoDbLockTable table;

    final String unique = "l" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @BeforeAll
    static void start() {
        proxy = FaultProxy.inFrontOf(Dynalite.shared());
        // The SDK's default retry policy, as the service runs it: no override of retries or timeouts.
        client = DynamoDbClient.builder()
                .endpointOverride(proxy.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
        table = new DynamoDbLockTable(client, TABLE);
        table.createTableIfMissing();
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (proxy != null) proxy.close();
    }

    /**
     * The first acquire in a new first segment also writes the segment's registry item (one more
     * UpdateItem); a grant on a sibling key first keeps each test's write the only UpdateItem it sends.
     */
    @org.junit.jupiter.api.BeforeEach
    void registerTheSegment() {
        LockKey sibling = key("segment-registered");
        granted(table.acquire(new NewLease(sibling, "lease-s", "test", LockInfo.EMPTY, T0, 1_000, ""), T0 - 1_000));
    }

    @AfterEach
    void nothingLeftToLose() {
        proxy.heal();
    }

    LockKey key(String name) {
        return new LockKey(unique + "/" + name);
    }

    /** Loses the answer to the next UpdateItem and runs {@code write}; checks the SDK really sent it twice. */
    <T> T withLostAnswer(java.util.function.Supplier<T> write) {
        return withLostAnswers(1, write);
    }

    /** Loses the answers to the next {@code writes} UpdateItems (each one's first attempt) and runs {@code write}. */
    <T> T withLostAnswers(int writes, java.util.function.Supplier<T> write) {
        long before = proxy.count(UPDATE_ITEM);
        int lostBefore = proxy.lost().size();
        proxy.loseResponses(writes, UPDATE_ITEM.and(StoreRequest::isFirstAttempt));
        T result = write.get();
        assertThat(proxy.lost()).as("answers lost").hasSize(lostBefore + writes);
        assertThat(proxy.count(UPDATE_ITEM) - before)
                .as("each first attempt and the SDK's retry")
                .isEqualTo(2L * writes);
        return result;
    }

    static LockRecord granted(AcquireResult result) {
        assertThat(result).isInstanceOf(AcquireResult.Granted.class);
        return ((AcquireResult.Granted) result).record();
    }

    @Test
    void anAcquireWithoutRequestIdIsGrantedOnceAndDoesNotLockItsCallerOut() {
        LockKey key = key("no-request-id");
        // The HTTP backend's write without a lock acquires with an empty request id.
        NewLease lease = new NewLease(key, "lease-a", "terraform (unlocked write)", LockInfo.EMPTY, T0, 300_000, "");

        AcquireResult result = withLostAnswer(() -> table.acquire(lease, T0 - 1_000));

        LockRecord expected = new LockRecord(
                key, 1, "lease-a", "terraform (unlocked write)", LockInfo.EMPTY, T0, T0 + 300_000, 300_000, "");
        assertThat(granted(result)).isEqualTo(expected);
        assertThat(((AcquireResult.Granted) result).previous().fenceCounter()).isZero();
        assertThat(table.get(key)).contains(expected);
        // The caller can use and end its lease; the next grant's fence is exactly one higher.
        assertThat(table.release(key, "lease-a", LeaseOwner.ANYONE)).isInstanceOf(ReleaseResult.Released.class);
        assertThat(granted(table.acquire(new NewLease(key, "lease-b", "", LockInfo.EMPTY, T0 + 1, 1_000, ""), T0))
                        .fenceCounter())
                .isEqualTo(2);
    }

    @Test
    void anAcquireWithRequestIdIsGrantedOnceWithThePreviousToken() {
        LockKey key = key("request-id");
        LockRecord first = granted(
                table.acquire(new NewLease(key, "lease-a", "ci", LockInfo.EMPTY, T0, 1_000, "r-a"), T0 - 1_000));
        // lease-a expires; lease-b takes over with its answer lost.
        NewLease takeover = new NewLease(key, "lease-b", "ci", LockInfo.EMPTY, T0 + 5_000, 30_000, "r-b");

        AcquireResult result = withLostAnswer(() -> table.acquire(takeover, T0 + 4_000));

        LockRecord record = granted(result);
        assertThat(record)
                .isEqualTo(new LockRecord(
                        key,
                        first.fenceCounter() + 1,
                        "lease-b",
                        "ci",
                        LockInfo.EMPTY,
                        T0 + 5_000,
                        T0 + 35_000,
                        30_000,
                        "r-b"));
        assertThat(((AcquireResult.Granted) result).previous().fenceCounter()).isEqualTo(first.fenceCounter());
        assertThat(table.get(key).orElseThrow().fenceCounter()).isEqualTo(2);
    }

    @Test
    void fencesGoUpByExactlyOnePerGrantWhenEveryAnswerIsLost() {
        LockKey key = key("fences");
        long now = T0;
        for (int i = 1; i <= 5; i++) {
            String leaseId = "lease-" + i;
            long at = now;
            LockRecord r = granted(withLostAnswer(
                    () -> table.acquire(new NewLease(key, leaseId, "", LockInfo.EMPTY, at, 10_000, ""), at - 1_000)));
            assertThat(r.fenceCounter()).isEqualTo(i);
            assertThat(withLostAnswer(() -> table.release(key, leaseId, LeaseOwner.ANYONE)))
                    .isEqualTo(new ReleaseResult.Released(r));
            now += 10;
        }
        assertThat(table.get(key).orElseThrow().fenceCounter()).isEqualTo(5);
    }

    @Test
    void aHeartbeatIsRenewedWithTheExpiryItWrote() {
        LockKey key = key("heartbeat");
        LockRecord first =
                granted(table.acquire(new NewLease(key, "lease-a", "ci", LockInfo.EMPTY, T0, 10_000, ""), T0 - 1_000));
        LeaseOwner owner = new LeaseOwner("ci", Long.MAX_VALUE, (leaseId, current) -> {});

        HeartbeatResult result = withLostAnswer(() -> table.heartbeat(key, "lease-a", T0 + 4_000, 20_000, owner));

        LockRecord renewed =
                new LockRecord(key, first.fenceCounter(), "lease-a", "ci", LockInfo.EMPTY, T0, T0 + 24_000, 20_000, "");
        assertThat(result).isEqualTo(new HeartbeatResult.Renewed(renewed));
        assertThat(table.get(key)).contains(renewed);
    }

    @Test
    void aReleaseSaysItReleasedAndTheFenceStays() {
        LockKey key = key("release");
        LockRecord first =
                granted(table.acquire(new NewLease(key, "lease-a", "ci", LockInfo.EMPTY, T0, 10_000, "r"), T0 - 1_000));

        ReleaseResult result =
                withLostAnswer(() -> table.release(key, "lease-a", new LeaseOwner("ci", T0, (leaseId, current) -> {})));

        assertThat(result)
                .isEqualTo(new ReleaseResult.Released(
                        new LockRecord(key, 1, "lease-a", "ci", LockInfo.EMPTY, T0, T0 + 10_000, 10_000, "")));
        assertThat(table.get(key)).contains(first.freed());
        // A second release call is not the first one retried: it releases nothing, and says so.
        assertThat(table.release(key, "lease-a", LeaseOwner.ANYONE))
                .isEqualTo(new ReleaseResult.NotHeld(first.freed()));
        assertThat(granted(table.acquire(new NewLease(key, "lease-b", "", LockInfo.EMPTY, T0 + 1, 1_000, ""), T0))
                        .fenceCounter())
                .isEqualTo(2);
    }

    @Test
    void aReleaseDoesNotClaimABreakByAnOperator() {
        LockKey key = key("broken");
        LockRecord first =
                granted(table.acquire(new NewLease(key, "lease-a", "ci", LockInfo.EMPTY, T0, 10_000, ""), T0 - 1_000));
        assertThat(table.forceRelease(key, 0)).isEqualTo(new ForceReleaseResult.Broken(first));

        // The key is free with the fence unchanged, but this release removed nothing.
        assertThat(table.release(key, "lease-a", LeaseOwner.ANYONE))
                .isEqualTo(new ReleaseResult.NotHeld(first.freed()));
    }

    @Test
    void aForceReleaseSaysItBrokeTheLeaseAndWhose() {
        for (long expected : new long[] {0, 1}) {
            LockKey key = key("force-" + expected);
            LockRecord first = granted(
                    table.acquire(new NewLease(key, "lease-a", "ci", LockInfo.EMPTY, T0, 10_000, ""), T0 - 1_000));

            ForceReleaseResult result = withLostAnswer(() -> table.forceRelease(key, expected));

            assertThat(result).isEqualTo(new ForceReleaseResult.Broken(first));
            assertThat(table.get(key)).contains(first.freed());
            assertThat(table.forceRelease(key, 0)).isEqualTo(new ForceReleaseResult.NotHeld(first.freed()));
        }
    }

    @Test
    void aPointerMoveMakesOneVersion() {
        LockKey key = key("pointer");
        LockRecord held =
                granted(table.acquire(new NewLease(key, "lease-a", "ci", LockInfo.EMPTY, T0, 30_000, ""), T0 - 1_000));
        StateVersion v1 = version(key, 1, held.fenceCounter());
        StateVersion v2 = version(key, 2, held.fenceCounter());

        assertThat(withLostAnswer(() -> table.movePointer(
                        new PointerMove(key, "lease-a", held.fenceCounter(), T0 + 1, 0, List.of(v1)))))
                .isInstanceOf(PointerResult.Moved.class);
        // Two writes, both answers lost: v1 as an item of its own (the version being replaced), then the pointer.
        assertThat(withLostAnswers(
                        2,
                        () -> table.movePointer(
                                new PointerMove(key, "lease-a", held.fenceCounter(), T0 + 2, 1, List.of(v2, v1)))))
                .isInstanceOf(PointerResult.Moved.class);

        assertThat(table.stateHistory(key).versions()).containsExactly(v2, v1);
        // A retry of v1's move that arrives after v2 moved the pointer on (another write of the same lease,
        // say): v1 is in the history, so it was this write's and is not written again as a third version.
        assertThat(table.movePointer(new PointerMove(key, "lease-a", held.fenceCounter(), T0 + 1, 0, List.of(v1))))
                .isInstanceOf(PointerResult.Moved.class);
        assertThat(table.stateHistory(key).versions()).containsExactly(v2, v1);
        // Another version decided against the old pointer is still a race, not mistaken for ours.
        assertThat(table.movePointer(new PointerMove(
                        key,
                        "lease-a",
                        held.fenceCounter(),
                        T0 + 3,
                        1,
                        List.of(
                                version(key, 2, held.fenceCounter()).rewritten(2, held.fenceCounter(), T0 + 3, "ci"),
                                v1))))
                .isInstanceOf(PointerResult.Raced.class);
    }

    @Test
    void auditBatchesWrittenAgainAfterALostAnswerAreStoredOnce() {
        DynamoDbAuditStore audit = new DynamoDbAuditStore(client, AUDIT_TABLE);
        audit.createTableIfMissing();
        List<AuditEntry> entries = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            entries.add(new AuditEntry(
                    T0 + i,
                    "id-" + i,
                    "acquire",
                    unique + "/audit/k" + i,
                    "ci",
                    Map.of(),
                    "granted",
                    "",
                    0,
                    i + 1,
                    "",
                    ""));
        }
        Predicate<StoreRequest> batch = r -> r.isDynamo("BatchWriteItem");
        proxy.loseResponses(2, batch); // the first attempt's answer and the first retry's

        audit.append(entries);

        assertThat(proxy.lost()).filteredOn(batch).hasSizeGreaterThanOrEqualTo(2);
        // Items are keyed by (segment, time#id): a batch written again overwrites the same items.
        var page = audit.query(new AuditQuery(unique + "/audit/", 0, Long.MAX_VALUE, 100, ""));
        assertThat(page.entries())
                .extracting(AuditEntry::id)
                .doesNotHaveDuplicates()
                .hasSize(30);
    }

    static StateVersion version(LockKey key, long seq, long fence) {
        return new StateVersion(
                key,
                seq,
                key.value() + "/~v/" + fence + "-" + UUID.randomUUID(),
                10 + seq,
                "a".repeat(64),
                "b".repeat(32),
                fence,
                T0 + seq,
                "ci",
                seq,
                "lin-1",
                false);
    }
}

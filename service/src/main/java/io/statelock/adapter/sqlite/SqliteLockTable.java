package io.statelock.adapter.sqlite;

import io.statelock.adapter.PageTokens;
import io.statelock.common.KeyPrefix;
import io.statelock.common.LockKey;
import io.statelock.common.StoreUnavailableException;
import io.statelock.lock.LeaseOwner;
import io.statelock.lock.LockRecord;
import io.statelock.lock.port.AcquireResult;
import io.statelock.lock.port.ForceReleaseResult;
import io.statelock.lock.port.HeartbeatResult;
import io.statelock.lock.port.LockTable;
import io.statelock.lock.port.NewLease;
import io.statelock.lock.port.RecordPage;
import io.statelock.lock.port.ReleaseResult;
import io.statelock.state.StateVersion;
import io.statelock.state.port.PointerMove;
import io.statelock.state.port.PointerResult;
import io.statelock.state.port.StateHead;
import io.statelock.state.port.StatePointers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The single-machine store: lock records in an SQLite database under the data directory.
 * Every transition is one transaction committed with {@code synchronous=FULL}, so it is on disk
 * (fsync) before the caller is answered and a {@code kill -9} can never reissue a fencing token.
 * One connection, whose transactions from concurrent callers share commits ({@link GroupCommit}): the
 * embedded store serves one replica. There is no transport between the service and the database and
 * nothing retries a transaction: a write runs once, and its caller learns whether it committed, so the
 * lost-answer retries the DynamoDB adapter recognises cannot happen here.
 */
public final class SqliteLockTable implements LockTable, StatePointers, AutoCloseable {
    private static final String COLUMNS =
            "key, fence, lease_id, owner, info, acquired_at, expires_at, ttl_ms, request_id";
    // Everything of the lease but the fence, which stays so the next acquire gets a higher token
    // (docs/design.md#invariant-2).
    private static final String CLEAR_LEASE = "UPDATE locks SET lease_id = NULL, owner = NULL, info = NULL,"
            + " acquired_at = 0, expires_at = 0, ttl_ms = 0, request_id = NULL WHERE key = ?";
    // Under jwt the lease must be the caller's: its recorded owner, taken no later than an expired token's validity
    // (the same check as the DynamoDB condition); an empty owner parameter means anyone.
    private static final String OWNED_BY = " AND (? = '' OR (owner = ? AND acquired_at <= ?))";
    private static final String READ = "SELECT " + COLUMNS + " FROM locks WHERE key = ?";
    // A new lease on a key (new row, or the free/expired one replaced: the caller checked it in this transaction).
    private static final String UPSERT = "INSERT INTO locks (key, seg, " + COLUMNS.substring(5)
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET fence = excluded.fence,"
            + " lease_id = excluded.lease_id, owner = excluded.owner, info = excluded.info,"
            + " acquired_at = excluded.acquired_at, expires_at = excluded.expires_at,"
            + " ttl_ms = excluded.ttl_ms, request_id = excluded.request_id";
    // Renew only this lease, its owner's, and only while unexpired (with its own ttl, or a new one).
    private static final String RENEW =
            "UPDATE locks SET expires_at = ? + ttl_ms WHERE key = ? AND lease_id = ? AND expires_at >= ?" + OWNED_BY;
    private static final String RENEW_WITH_TTL =
            "UPDATE locks SET expires_at = ? + ?, ttl_ms = ? WHERE key = ? AND lease_id = ? AND expires_at >= ?"
                    + OWNED_BY;
    // Only the holder of this lease, of its owner's identity, may release it; the fence counter stays.
    private static final String RELEASE = CLEAR_LEASE + " AND lease_id = ?" + OWNED_BY;
    /** A token is the Base64 of the last key returned (one field: never split). */
    private static final PageTokens TOKENS =
            new PageTokens("", '/', 1, "is not a token returned by List; start again without it");
    /**
     * A range of the primary key: the keys that start with the prefix and nothing else, so a prefix with few
     * keys reads only those, however many keys sort after it (a prefix test alone would read to the end).
     */
    static final String LIST =
            "SELECT " + COLUMNS + " FROM locks WHERE key >= ? AND key > ? AND key < ?" + " ORDER BY key LIMIT ?";

    private final SqliteDatabase db;
    private final PreparedStatements statements = new PreparedStatements();

    public SqliteLockTable(Path dataDir) {
        this.db = SqliteDatabase.open(dataDir);
    }

    @Override
    public AcquireResult acquire(NewLease lease, long takeoverBeforeMs) {
        return inTransaction(c -> {
            LockRecord previous = read(c, lease.key()).orElseGet(() -> LockRecord.absent(lease.key()));
            // Same rule as the DynamoDB condition: free, or expired before now - maxClockSkew.
            if (previous.hasLease() && previous.expiresAtMs() >= takeoverBeforeMs) {
                return new AcquireResult.Held(previous);
            }
            long counter = previous.fenceCounter() + 1; // the fence only ever goes up (docs/design.md#invariant-2)
            {
                PreparedStatement ps = statements.of(c, UPSERT);
                ps.setString(1, lease.key().value());
                ps.setString(2, lease.key().firstSegment());
                ps.setLong(3, counter);
                ps.setString(4, lease.leaseId());
                ps.setString(5, lease.owner());
                ps.setString(6, InfoJson.write(lease.info()));
                ps.setLong(7, lease.nowMs());
                ps.setLong(8, lease.expiresAtMs());
                ps.setLong(9, lease.ttlMs());
                ps.setString(10, lease.requestId());
                ps.executeUpdate();
            }
            LockRecord granted = new LockRecord(
                    lease.key(),
                    counter,
                    lease.leaseId(),
                    lease.owner(),
                    lease.info(),
                    lease.nowMs(),
                    lease.expiresAtMs(),
                    lease.ttlMs(),
                    lease.requestId());
            return new AcquireResult.Granted(granted, previous);
        });
    }

    @Override
    public HeartbeatResult heartbeat(LockKey key, String leaseId, long nowMs, long ttlMs, LeaseOwner owner) {
        return inTransaction(c -> {
            // Renew only this lease, its owner's, and only while unexpired: an expired lease is lost for good
            // (docs/design.md#invariant-1).
            String sql = ttlMs == 0 ? RENEW : RENEW_WITH_TTL;
            int updated;
            {
                PreparedStatement ps = statements.of(c, sql);
                int i = 1;
                ps.setLong(i++, nowMs);
                if (ttlMs != 0) {
                    ps.setLong(i++, ttlMs);
                    ps.setLong(i++, ttlMs);
                }
                ps.setString(i++, key.value());
                ps.setString(i++, leaseId);
                ps.setLong(i++, nowMs);
                bindOwner(ps, i, owner);
                updated = ps.executeUpdate();
            }
            LockRecord current = read(c, key).orElseGet(() -> LockRecord.absent(key));
            return updated == 1 ? new HeartbeatResult.Renewed(current) : new HeartbeatResult.Lost(current);
        });
    }

    @Override
    public ReleaseResult release(LockKey key, String leaseId, LeaseOwner owner) {
        return inTransaction(c -> {
            LockRecord current = read(c, key).orElseGet(() -> LockRecord.absent(key));
            // Only the holder of this lease, of its owner's identity, may release it; the fence counter stays.
            PreparedStatement ps = statements.of(c, RELEASE);
            ps.setString(1, key.value());
            ps.setString(2, leaseId);
            bindOwner(ps, 3, owner);
            if (ps.executeUpdate() == 1) return new ReleaseResult.Released(current);
            return new ReleaseResult.NotHeld(current);
        });
    }

    @Override
    public ForceReleaseResult forceRelease(LockKey key, long expectedCounter) {
        return inTransaction(c -> {
            LockRecord current = read(c, key).orElseGet(() -> LockRecord.absent(key));
            if (!current.hasLease()) return new ForceReleaseResult.NotHeld(current);
            // With an expected token, break only the lease that token belongs to.
            if (expectedCounter != 0 && current.fenceCounter() != expectedCounter) {
                return new ForceReleaseResult.FenceMismatch(current);
            }
            clearLease(c, key);
            return new ForceReleaseResult.Broken(current);
        });
    }

    @Override
    public Optional<LockRecord> get(LockKey key) {
        return inTransaction(c -> read(c, key));
    }

    @Override
    public RecordPage list(String prefix, int limit, String pageToken) {
        String after = decodeToken(pageToken);
        return inTransaction(c -> {
            List<LockRecord> records = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(LIST)) {
                // [prefix, its upper bound): exactly the keys under the prefix.
                ps.setString(1, prefix);
                ps.setString(2, after);
                ps.setString(3, KeyPrefix.of(prefix).upperBound());
                ps.setInt(4, limit + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) records.add(map(rs));
                }
            }
            if (records.size() <= limit) return new RecordPage(records, "");
            List<LockRecord> page = records.subList(0, limit);
            return new RecordPage(page, encodeToken(page.get(limit - 1).key().value()));
        });
    }

    @Override
    public StateHead stateHead(LockKey key) {
        return inTransaction(c -> SqliteStateVersions.head(c, read(c, key).orElseGet(() -> LockRecord.absent(key))));
    }

    @Override
    public List<StateVersion> versions(LockKey key, long beforeSeq, int limit) {
        return inTransaction(c -> SqliteStateVersions.versions(c, key, beforeSeq, limit));
    }

    @Override
    public PointerResult movePointer(PointerMove move) {
        // One transaction: the fence check, the pointer move and the history trim commit together (fsync).
        return inTransaction(c ->
                SqliteStateVersions.move(c, read(c, move.key()).orElseGet(() -> LockRecord.absent(move.key())), move));
    }

    @Override
    public void checkReady() {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM locks WHERE key = ''")) {
                ps.executeQuery().close();
            }
            return null;
        });
    }

    @Override
    public void close() {
        db.close();
    }

    /** A transaction whose failure drops the kept statements (see {@link PreparedStatements#forgetAll}). */
    private <T> T inTransaction(SqliteDatabase.Work<T> work) {
        return db.inTransaction(c -> {
            try {
                return work.run(c);
            } catch (SQLException | RuntimeException e) {
                statements.forgetAll();
                throw e;
            }
        });
    }

    private static void clearLease(Connection c, LockKey key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CLEAR_LEASE)) {
            ps.setString(1, key.value());
            ps.executeUpdate();
        }
    }

    /** Binds {@link #OWNED_BY}'s three parameters from {@code index}: anyone, or the owner and its acquire bound. */
    private static void bindOwner(PreparedStatement ps, int index, LeaseOwner owner) throws SQLException {
        ps.setString(index, owner.owner());
        ps.setString(index + 1, owner.owner());
        ps.setLong(index + 2, owner.acquiredNoLaterThanMs());
    }

    private Optional<LockRecord> read(Connection c, LockKey key) throws SQLException {
        PreparedStatement ps = statements.of(c, READ);
        ps.setString(1, key.value());
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(map(rs)) : Optional.empty();
        }
    }

    private static LockRecord map(ResultSet rs) throws SQLException {
        return new LockRecord(
                new LockKey(rs.getString(1)),
                rs.getLong(2),
                rs.getString(3),
                rs.getString(4),
                InfoJson.read(rs.getString(5)),
                rs.getLong(6),
                rs.getLong(7),
                rs.getLong(8),
                rs.getString(9));
    }

    private static String encodeToken(String lastKey) {
        return TOKENS.encode(lastKey);
    }

    private static String decodeToken(String token) {
        List<String> position = TOKENS.decode(token);
        if (position.isEmpty()) return "";
        if (LockKey.problem(position.get(0)) != null) throw TOKENS.invalid();
        return position.get(0);
    }

    static StoreUnavailableException unavailable(String what, Exception e) {
        return new StoreUnavailableException("embedded store: " + what + ": " + e.getMessage(), e);
    }
}

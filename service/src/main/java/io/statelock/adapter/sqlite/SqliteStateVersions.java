package io.statelock.adapter.sqlite;

import io.statelock.common.LockKey;
import io.statelock.lock.LockRecord;
import io.statelock.state.StateVersion;
import io.statelock.state.port.PointerMove;
import io.statelock.state.port.PointerResult;
import io.statelock.state.port.StateHead;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code state_versions} table: reads and the fenced pointer move, inside the caller's transaction. */
final class SqliteStateVersions {
    private SqliteStateVersions() {}

    private static final String COLUMNS =
            "seq, blob, size, sha256, md5, fence, written_at, written_by, serial," + " lineage, tombstone";

    /** The committed versions below {@code beforeSeq}, newest first, at most {@code limit}. */
    static List<StateVersion> versions(Connection c, LockKey key, long beforeSeq, int limit) throws SQLException {
        List<StateVersion> versions = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM state_versions WHERE key = ? AND seq < ? ORDER BY seq DESC LIMIT ?")) {
            ps.setString(1, key.value());
            ps.setLong(2, beforeSeq);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    versions.add(new StateVersion(
                            key,
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getLong(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getLong(6),
                            rs.getLong(7),
                            rs.getString(8),
                            rs.getLong(9),
                            rs.getString(10),
                            rs.getInt(11) != 0));
                }
            }
        }
        return versions;
    }

    /** The lock record with its current version and the oldest kept one. */
    static StateHead head(Connection c, LockRecord lock) throws SQLException {
        List<StateVersion> current = versions(c, lock.key(), Long.MAX_VALUE, 1);
        if (current.isEmpty()) return StateHead.empty(lock);
        try (PreparedStatement ps = c.prepareStatement("SELECT min(seq) FROM state_versions WHERE key = ?")) {
            ps.setString(1, lock.key().value());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new StateHead(lock, Optional.of(current.get(0)), rs.getLong(1));
            }
        }
    }

    /** The same checks as the DynamoDB condition, then insert the new version and drop what left the history. */
    static PointerResult move(Connection c, LockRecord current, PointerMove move) throws SQLException {
        // Safety: only the current lease with its own fence, unexpired at now, moves the pointer
        // (docs/design.md#invariant-3).
        if (!move.leaseId().equals(current.leaseId())
                || current.fenceCounter() != move.fenceCounter()
                || current.expiresAtMs() < move.nowMs()) {
            return new PointerResult.LeaseLost(current);
        }
        long currentSeq;
        try (PreparedStatement ps =
                c.prepareStatement("SELECT coalesce(max(seq), 0) FROM state_versions WHERE key = ?")) {
            ps.setString(1, move.key().value());
            try (ResultSet rs = ps.executeQuery()) {
                currentSeq = rs.next() ? rs.getLong(1) : 0;
            }
        }
        // Safety: the pointer still names the version this write was decided against.
        if (currentSeq != move.expectedSeq()) return new PointerResult.Raced();
        StateVersion v = move.next();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO state_versions (key, seq, blob, size, sha256, md5,"
                        + " fence, written_at, written_by, serial, lineage, tombstone) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, move.key().value());
            ps.setLong(2, v.seq());
            ps.setString(3, v.blob());
            ps.setLong(4, v.size());
            ps.setString(5, v.sha256());
            ps.setString(6, v.md5());
            ps.setLong(7, v.fenceCounter());
            ps.setLong(8, v.writtenAtMs());
            ps.setString(9, v.writtenBy());
            ps.setLong(10, v.serial());
            ps.setString(11, v.lineage());
            ps.setInt(12, v.tombstone() ? 1 : 0);
            ps.executeUpdate();
        }
        long oldestKept = move.oldestKept();
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM state_versions WHERE key = ? AND seq < ?")) {
            ps.setString(1, move.key().value());
            ps.setLong(2, oldestKept);
            ps.executeUpdate();
        }
        return new PointerResult.Moved();
    }
}

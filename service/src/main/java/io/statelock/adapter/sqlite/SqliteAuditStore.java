package io.statelock.adapter.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statelock.adapter.PageTokens;
import io.statelock.audit.AuditEntry;
import io.statelock.audit.AuditPage;
import io.statelock.audit.AuditQuery;
import io.statelock.audit.AuditStore;
import io.statelock.common.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Audit records in {@code audit.db} next to the lock database: a file and connection of its own, so
 * a batch of audit writes never holds the lock database's write lock (the lock path never waits on it).
 * Ordered by (time, id); the page token is the last (time, id) returned.
 */
public final class SqliteAuditStore implements AuditStore, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> CLAIMS = new TypeReference<>() {};
    /** A token is {@code a1:} and the Base64 of {@code <at>:<id>}: the last record returned. */
    private static final PageTokens TOKENS = new PageTokens("a1:", ':', 2, "is not a token this service issued");

    private static final String COLUMNS =
            "at, id, action, key, subject, claims, outcome, previous_owner," + " previous_fence, fence, reason, peer";

    private final Connection connection; // guarded by this: one JDBC connection is not thread-safe

    public SqliteAuditStore(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            // The driver directly, not DriverManager (see SqliteDatabase).
            connection = new org.sqlite.JDBC()
                    .connect("jdbc:sqlite:" + dataDir.resolve("audit.db").toAbsolutePath(), new java.util.Properties());
            try (Statement s = connection.createStatement()) {
                // WAL + FULL: a forced operation's record is on disk before the call is answered.
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=5000");
                s.execute(
                        "CREATE TABLE IF NOT EXISTS audit (at INTEGER NOT NULL, id TEXT NOT NULL, action TEXT NOT NULL,"
                                + " key TEXT NOT NULL, subject TEXT NOT NULL, claims TEXT NOT NULL, outcome TEXT NOT NULL,"
                                + " previous_owner TEXT NOT NULL, previous_fence INTEGER NOT NULL, fence INTEGER NOT NULL,"
                                + " reason TEXT NOT NULL, peer TEXT NOT NULL, PRIMARY KEY (at, id))");
                s.execute("CREATE INDEX IF NOT EXISTS audit_by_key ON audit (key, at, id)");
            }
            connection.setAutoCommit(false);
        } catch (IOException | SQLException e) {
            throw new IllegalStateException(
                    "cannot open the audit database in " + dataDir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void append(List<AuditEntry> entries) {
        if (entries.isEmpty()) return;
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT OR IGNORE INTO audit (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (AuditEntry e : entries) {
                insert.setLong(1, e.atMs());
                insert.setString(2, e.id());
                insert.setString(3, e.action());
                insert.setString(4, e.key());
                insert.setString(5, e.subject());
                insert.setString(6, JSON.writeValueAsString(e.claims()));
                insert.setString(7, e.outcome());
                insert.setString(8, e.previousOwner());
                insert.setLong(9, e.previousFencingToken());
                insert.setLong(10, e.fencingToken());
                insert.setString(11, e.reason());
                insert.setString(12, e.peer());
                insert.addBatch();
            }
            insert.executeBatch();
            connection.commit();
        } catch (SQLException | JsonProcessingException e) {
            rollbackQuietly();
            throw new StoreUnavailableException("embedded audit store: append failed: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized AuditPage query(AuditQuery q) {
        // The position is the last record shown: the next page starts past it, forwards or backwards in time.
        long afterAt = q.newestFirst() ? Long.MAX_VALUE : Long.MIN_VALUE;
        String afterId = q.newestFirst() ? String.valueOf(Character.MAX_VALUE) : "";
        if (!q.pageToken().isEmpty()) {
            String[] position = decode(q.pageToken());
            afterAt = Long.parseLong(position[0]);
            afterId = position[1];
        }
        String past = q.newestFirst() ? "(at < ? OR (at = ? AND id < ?))" : "(at > ? OR (at = ? AND id > ?))";
        // Key range instead of LIKE: prefixes may contain '_' and '%', which LIKE would treat as wildcards.
        String sql = "SELECT " + COLUMNS + " FROM audit WHERE at >= ? AND at <= ? AND " + past
                + (q.prefix().isEmpty() ? "" : " AND key >= ? AND key < ?")
                + (q.newestFirst() ? " ORDER BY at DESC, id DESC" : " ORDER BY at, id") + " LIMIT ?";
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            int i = 1;
            select.setLong(i++, q.sinceMs());
            select.setLong(i++, q.untilMs());
            select.setLong(i++, afterAt);
            select.setLong(i++, afterAt);
            select.setString(i++, afterId);
            if (!q.prefix().isEmpty()) {
                select.setString(i++, q.prefix());
                select.setString(i++, q.prefix() + Character.MAX_VALUE);
            }
            // One more than asked tells whether another page exists.
            select.setInt(i, q.pageSize() + 1);
            List<AuditEntry> entries = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) entries.add(entry(rs));
            }
            connection.commit();
            if (entries.size() <= q.pageSize()) return new AuditPage(entries, "");
            List<AuditEntry> page = entries.subList(0, q.pageSize());
            AuditEntry last = page.get(page.size() - 1);
            return new AuditPage(page, encode(last.atMs(), last.id()));
        } catch (SQLException | JsonProcessingException e) {
            rollbackQuietly();
            throw new StoreUnavailableException("embedded audit store: query failed: " + e.getMessage(), e);
        }
    }

    private static AuditEntry entry(ResultSet rs) throws SQLException, JsonProcessingException {
        return new AuditEntry(
                rs.getLong("at"),
                rs.getString("id"),
                rs.getString("action"),
                rs.getString("key"),
                rs.getString("subject"),
                JSON.readValue(rs.getString("claims"), CLAIMS),
                rs.getString("outcome"),
                rs.getString("previous_owner"),
                rs.getLong("previous_fence"),
                rs.getLong("fence"),
                rs.getString("reason"),
                rs.getString("peer"));
    }

    private static String encode(long at, String id) {
        return TOKENS.encode(Long.toString(at), id);
    }

    private static String[] decode(String token) {
        List<String> position = TOKENS.decode(token);
        try {
            Long.parseLong(position.get(0));
        } catch (NumberFormatException e) {
            throw TOKENS.invalid();
        }
        return new String[] {position.get(0), position.get(1)};
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the original failure is what the caller needs to see
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing at shutdown
        }
    }
}

package io.statelock.adapter.sqlite;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The SQLite file, its single connection and the data-directory lock that keeps a second
 * process off the same files (two replicas on one embedded store would break docs/design.md#invariant-1).
 * Transactions from concurrent callers share commits ({@link GroupCommit}).
 */
final class SqliteDatabase implements AutoCloseable {
    /** Work inside one transaction. */
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final Connection connection;
    private final GroupCommit commits;
    private final FileChannel lockChannel;
    private final FileLock dirLock;

    private SqliteDatabase(Connection connection, FileChannel lockChannel, FileLock dirLock) {
        this.connection = connection;
        this.commits = new GroupCommit(connection);
        this.lockChannel = lockChannel;
        this.dirLock = dirLock;
    }

    static SqliteDatabase open(Path dataDir) {
        FileChannel channel = null;
        try {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(
                    dataDir.resolve("statelock.pid-lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IllegalStateException("data directory " + dataDir.toAbsolutePath()
                        + " is in use by another statelock process; the embedded store serves one replica only");
            }
            // The driver directly, not DriverManager: its service-loader registration depends on the class loader.
            Connection c = new org.sqlite.JDBC()
                    .connect("jdbc:sqlite:" + dataDir.resolve("locks.db").toAbsolutePath(), new java.util.Properties());
            try (Statement s = c.createStatement()) {
                // WAL with synchronous=FULL fsyncs the log on every commit: acknowledged means on disk.
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=5000");
                s.execute("CREATE TABLE IF NOT EXISTS locks (key TEXT PRIMARY KEY NOT NULL, seg TEXT NOT NULL,"
                        + " fence INTEGER NOT NULL DEFAULT 0, lease_id TEXT, owner TEXT, info TEXT,"
                        + " acquired_at INTEGER NOT NULL DEFAULT 0, expires_at INTEGER NOT NULL DEFAULT 0,"
                        + " ttl_ms INTEGER NOT NULL DEFAULT 0, request_id TEXT)");
                // The state history of each key (newest = current pointer); a table of its own, so data
                // directories made before it existed open unchanged.
                s.execute("CREATE TABLE IF NOT EXISTS state_versions (key TEXT NOT NULL, seq INTEGER NOT NULL,"
                        + " blob TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, md5 TEXT NOT NULL,"
                        + " fence INTEGER NOT NULL, written_at INTEGER NOT NULL, written_by TEXT NOT NULL,"
                        + " serial INTEGER NOT NULL, lineage TEXT NOT NULL, tombstone INTEGER NOT NULL,"
                        + " PRIMARY KEY (key, seq))");
            }
            c.setAutoCommit(false);
            return new SqliteDatabase(c, channel, lock);
        } catch (IOException | SQLException e) {
            closeQuietly(channel);
            throw new IllegalStateException(
                    "cannot open the embedded store in " + dataDir.toAbsolutePath() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** Runs {@code work} in a transaction and returns once it is committed (fsync), or throws. */
    <T> T inTransaction(Work<T> work) {
        return commits.run(work);
    }

    boolean isOpen() {
        try {
            return !connection.isClosed();
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        commits.exclusive(() -> {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing at shutdown: nothing left to protect
            }
        });
        try {
            dirLock.release();
        } catch (IOException ignored) {
            // the lock goes with the channel anyway
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // best effort
        }
    }
}

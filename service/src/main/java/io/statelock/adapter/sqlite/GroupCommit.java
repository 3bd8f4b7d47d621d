package io.statelock.adapter.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Transactions from many threads on one connection, committed together: whoever takes the commit
 * monitor runs every transaction queued so far, each inside its own savepoint (so one that fails is
 * undone alone), then commits them with one fsync and wakes their callers. Nobody is answered before
 * the commit that holds their write is on disk; the transactions run one after the other, in queue
 * order, so each sees the writes of those before it exactly as if they had committed one by one.
 * Concurrent acquires and releases of different keys then share an fsync instead of queueing for one each.
 */
final class GroupCommit {
    /** Bounds one commit's transaction, so a flood of callers cannot make the first of them wait for all. */
    private static final int MAX_BATCH = 256;

    private final Connection connection;
    private final ConcurrentLinkedQueue<Pending<?>> queue = new ConcurrentLinkedQueue<>();
    // The connection is used only by the thread holding this monitor; Pending.done is written and read under it.
    private final Object commitMonitor = new Object();

    GroupCommit(Connection connection) {
        this.connection = connection;
    }

    <T> T run(SqliteDatabase.Work<T> work) {
        Pending<T> mine = new Pending<>(work);
        queue.add(mine);
        synchronized (commitMonitor) {
            while (!mine.done) {
                commitQueued();
            }
        }
        return mine.result();
    }

    /** Runs {@code action} with the connection to itself (closing it at shutdown). */
    void exclusive(Runnable action) {
        synchronized (commitMonitor) {
            action.run();
        }
    }

    /** Caller holds the commit monitor. */
    private void commitQueued() {
        List<Pending<?>> batch = new ArrayList<>();
        Pending<?> next;
        while (batch.size() < MAX_BATCH && (next = queue.poll()) != null) {
            batch.add(next);
        }
        try {
            if (batch.size() == 1) {
                runAlone(batch.get(0));
            } else {
                runTogether(batch);
            }
        } finally {
            boolean unsettled = batch.stream().anyMatch(p -> !p.done);
            // An Error (out of memory, stack overflow) escaped mid-batch: undo the open transaction, or
            // the next leader's commit would make writes durable whose callers were told they failed.
            if (unsettled) rollbackQuietly();
            for (Pending<?> p : batch) {
                if (!p.done) p.fail(new SQLException("the shared commit did not finish"));
            }
        }
    }

    /** One transaction: no savepoint needed, a failure rolls the whole (single) transaction back. */
    private void runAlone(Pending<?> p) {
        try {
            p.execute(connection);
            connection.commit();
            p.done = true;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            p.fail(e);
        }
    }

    private void runTogether(List<Pending<?>> batch) {
        List<Pending<?>> ran = new ArrayList<>(batch.size());
        try {
            for (Pending<?> p : batch) {
                Savepoint savepoint = connection.setSavepoint();
                try {
                    p.execute(connection);
                    connection.releaseSavepoint(savepoint);
                    ran.add(p);
                } catch (SQLException | RuntimeException e) {
                    // Undo this transaction's writes only; the others in the batch still commit.
                    connection.rollback(savepoint);
                    connection.releaseSavepoint(savepoint);
                    p.fail(e);
                }
            }
            connection.commit();
            for (Pending<?> p : ran) p.done = true;
        } catch (SQLException | RuntimeException e) {
            // The commit (or a rollback to a savepoint) failed: nothing of the batch is on disk.
            rollbackQuietly();
            for (Pending<?> p : batch) {
                if (!p.done) p.fail(e instanceof SQLException ? e : new SQLException(e.getMessage(), e));
            }
        }
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // The original failure is what the callers need to see. But SQLite may have rolled back by
            // itself (disk full, I/O error), and the driver then never reopened its transaction: every
            // later write would commit alone, unseen by the group. Reopen it; inside a live one this fails harmlessly.
            try (java.sql.Statement begin = connection.createStatement()) {
                begin.execute("BEGIN");
            } catch (SQLException stillOpen) {
                // a transaction is open already: nothing to restore
            }
        }
    }

    private static final class Pending<T> {
        private final SqliteDatabase.Work<T> work;
        private T value;
        private Exception error;
        boolean done; // guarded by the commit monitor

        Pending(SqliteDatabase.Work<T> work) {
            this.work = work;
        }

        void execute(Connection connection) throws SQLException {
            value = work.run(connection);
        }

        void fail(Exception e) {
            value = null;
            error = e;
            done = true;
        }

        T result() {
            if (error instanceof SQLException sql) throw SqliteLockTable.unavailable("transaction failed", sql);
            if (error instanceof RuntimeException runtime) throw runtime;
            return value;
        }
    }
}

package io.statelock.adapter.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The lock calls' statements, prepared once on the single connection and kept: SQLite parses and plans a
 * statement on every prepare, which cost more than running it (a sixth of the embedded store's time per lock
 * call). Used only inside a transaction, by the thread that holds the commit (see {@link GroupCommit}); the
 * driver resets a statement before each execution, and closes them all with the connection. After any failed
 * transaction they are all dropped ({@link #forgetAll}): the driver finalizes a statement on most SQLite errors
 * (I/O, disk full) without marking it closed, and a kept one would fail every later call.
 */
final class PreparedStatements {
    private final Map<String, PreparedStatement> statements = new HashMap<>(); // guarded by the commit

    /** The statement for {@code sql} on {@code c}; not to be closed by the caller (its result sets are). */
    PreparedStatement of(Connection c, String sql) throws SQLException {
        // The single connection: statements prepared on it stay valid while it is open.
        PreparedStatement ps = statements.get(sql);
        if (ps == null || ps.isClosed()) {
            ps = c.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    /** Closes and forgets every statement: the next use prepares it again. */
    void forgetAll() {
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // finalized already, or the connection is gone
            }
        }
        statements.clear();
    }
}

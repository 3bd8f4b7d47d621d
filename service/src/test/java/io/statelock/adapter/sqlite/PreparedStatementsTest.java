package io.statelock.adapter.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/** Kept statements: one per text, re-bound on every use, dropped and prepared again after a failure. */
class PreparedStatementsTest {
    @Test
    void oneStatementPerTextReusedWithFreshParametersUntilForgotten() throws Exception {
        try (Connection c = new org.sqlite.JDBC().connect("jdbc:sqlite::memory:", new java.util.Properties())) {
            PreparedStatements statements = new PreparedStatements();
            PreparedStatement first = statements.of(c, "SELECT ? + 1");
            assertEquals(2, one(first, 1));
            PreparedStatement again = statements.of(c, "SELECT ? + 1");
            assertSame(first, again);
            assertEquals(42, one(again, 41));
            statements.forgetAll();
            assertTrue(first.isClosed());
            PreparedStatement fresh = statements.of(c, "SELECT ? + 1");
            assertNotSame(first, fresh);
            assertEquals(8, one(fresh, 7));
        }
    }

    private static int one(PreparedStatement ps, int value) throws Exception {
        ps.setInt(1, value);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}

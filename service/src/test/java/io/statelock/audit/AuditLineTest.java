package io.statelock.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The audit log line field by field, and record ids: what log pipelines parse and what orders records. */
class AuditLineTest {
    @Test
    void everyFieldInItsPlaceQuotedAndEscaped() {
        AuditEntry e = new AuditEntry(
                1_700_000_000_123L,
                "000000000000002a-AbCdEfGhIjKl",
                "force_release",
                "env/\"prod\"/app\nx",
                "alice",
                Map.of("sub", "alice", "groups", "ops,sre\u0001"),
                "released",
                "bob\\ci",
                41,
                42,
                "stuck\rrun",
                "127.0.0.1:5000");
        assertEquals(
                "audit at=2023-11-14T22:13:20.123Z id=000000000000002a-AbCdEfGhIjKl action=force_release"
                        + " key=\"env/\\\"prod\\\"/app\\nx\" subject=\"alice\" outcome=released"
                        + " previous_owner=\"bob\\\\ci\" previous_fence=41 fence=42 reason=\"stuck\\rrun\""
                        + " peer=\"127.0.0.1:5000\" claims={groups=\"ops,sre\\u0001\",sub=\"alice\"}",
                AuditLine.line(e));
    }

    @Test
    void idsAreASixteenDigitSequenceThenRandomAndSortInCreationOrder() {
        Set<String> seen = new HashSet<>();
        String previous = "";
        for (int i = 0; i < 1000; i++) {
            String id = AuditEntries.newId();
            assertTrue(id.matches("[0-9a-f]{16}-[A-Za-z0-9_-]{12}"), id);
            assertTrue(id.compareTo(previous) > 0, id + " after " + previous);
            assertTrue(seen.add(id));
            previous = id;
        }
    }
}

package io.statelock.adapter.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.statelock.common.LockKey;
import io.statelock.lock.LeaseIds;
import io.statelock.lock.LockEvent;
import io.statelock.lock.LockInfo;
import io.statelock.lock.LockStatus;
import io.statelock.testing.Secrets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Lock events are logged with key, fence, lease hint and owner as fields, never the lease id. */
class LockEventLogTest {
    private record Line(Level level, String message, Map<String, String> mdc) {}

    private final List<Line> lines = new ArrayList<>();
    private final Logger logger = Logger.getLogger("statelock.events");
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            Map<String, String> mdc = r instanceof ExtLogRecord ext ? ext.getMdcCopy() : Map.of();
            String message = r instanceof ExtLogRecord ext ? ext.getFormattedMessage() : r.getMessage();
            lines.add(new Line(r.getLevel(), message, mdc));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private Level previous;

    @BeforeEach
    void capture() {
        previous = logger.getLevel();
        logger.setLevel(Level.INFO);
        logger.addHandler(handler);
    }

    @AfterEach
    void release() {
        logger.removeHandler(handler);
        logger.setLevel(previous);
    }

    @Test
    void acquiredIsLoggedWithFieldsAndWithoutTheLeaseId() {
        String leaseId = "secret-lease-id-0123456789abcdef";
        LockInfo info = new LockInfo("apply", "ci", "1.9.0", "", "", Map.of());
        LockStatus status = new LockStatus(
                new LockKey("prod/network/terraform.tfstate"),
                true,
                "ci@runner-7",
                info,
                42,
                1_000,
                31_000,
                LeaseIds.hint(leaseId));
        logger.setLevel(Level.FINE); // DEBUG: acquires are logged at DEBUG (the audit line is at INFO)
        LockEventLog.log(new LockEvent(LockEvent.Type.ACQUIRED, status, 1_000));
        LockEventLog.log(new LockEvent(LockEvent.Type.SNAPSHOT, status, 2_000)); // not an event of this replica

        assertThat(lines).hasSize(1);
        Line line = lines.get(0);
        assertThat(line.mdc())
                .containsEntry("event", "ACQUIRED")
                .containsEntry("key", "prod/network/terraform.tfstate")
                .containsEntry("fence", "42")
                .containsEntry("leaseHint", LeaseIds.hint(leaseId))
                .containsEntry("owner", "ci@runner-7")
                .containsEntry("operation", "apply");
        assertThat(line.message()).contains("ACQUIRED").contains("fence=42");
        Secrets.assertNoPartOf("the lock-event log line", line.message(), leaseId);
        assertThat(line.mdc().values()).noneMatch(v -> v.contains(leaseId));
    }

    @Test
    void atInfoOnlyExpirationsAndForcedReleasesAreLogged() {
        LockStatus status = new LockStatus(
                new LockKey("prod/app/terraform.tfstate"), true, "ci@runner-7", null, 7, 1_000, 31_000, "hint");
        for (LockEvent.Type type : List.of(
                LockEvent.Type.ACQUIRED,
                LockEvent.Type.RENEWED,
                LockEvent.Type.RELEASED,
                LockEvent.Type.EXPIRED,
                LockEvent.Type.FORCE_RELEASED)) {
            LockEventLog.log(new LockEvent(type, status, 2_000));
        }
        assertThat(lines).extracting(l -> l.mdc().get("event")).containsExactly("EXPIRED", "FORCE_RELEASED");
        assertThat(lines).allSatisfy(l -> assertThat(l.level()).isEqualTo(org.jboss.logmanager.Level.INFO));
    }
}

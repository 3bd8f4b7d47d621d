package io.statelock.audit;

import io.statelock.lock.port.LockTable;
import java.util.List;

/**
 * Port: where audit records are kept (DynamoDB audit table, or the embedded database). Separate from
 * {@link LockTable} so audit writes never share a write with, or block, a lock transition (docs/design.md#invariant-5).
 * Failures are {@link io.statelock.common.StoreUnavailableException}.
 */
public interface AuditStore {
    /** Writes the records durably; all or an exception (a retry may write some twice: ids make that visible). */
    void append(List<AuditEntry> entries);

    /** Records matching the query; ordered by time within a key's first segment (across segments, see the adapter). */
    AuditPage query(AuditQuery query);
}

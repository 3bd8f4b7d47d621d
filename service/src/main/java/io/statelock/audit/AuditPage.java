package io.statelock.audit;

import java.util.List;

/** One page of audit records; {@code nextPageToken} is "" on the last page. A page may be short (even empty) with a token. */
public record AuditPage(List<AuditEntry> entries, String nextPageToken) {
    public AuditPage {
        entries = List.copyOf(entries);
        nextPageToken = nextPageToken == null ? "" : nextPageToken;
    }
}

package io.statelock.lock.port;

import io.statelock.lock.LockRecord;
import java.util.List;

/** One page of a listing; {@code nextPageToken} is empty on the last page. */
public record RecordPage(List<LockRecord> records, String nextPageToken) {
    public RecordPage {
        records = List.copyOf(records);
        nextPageToken = nextPageToken == null ? "" : nextPageToken;
    }
}

package io.statelock.client;

import java.util.List;

/**
 * One page of a listing, and the token of the next page (empty on the last).
 *
 * @param items what this page holds (may be fewer than asked for, even before the last page)
 */
public record Page<T>(List<T> items, String nextPageToken) {
    public Page {
        items = List.copyOf(items);
        nextPageToken = nextPageToken == null ? "" : nextPageToken;
    }

    /** True when another page follows. */
    public boolean hasNext() {
        return !nextPageToken.isEmpty();
    }
}

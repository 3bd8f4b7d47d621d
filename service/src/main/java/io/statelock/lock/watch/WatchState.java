package io.statelock.lock.watch;

import io.statelock.common.LockKey;
import io.statelock.lock.FencingTokens;
import io.statelock.lock.LockEvent;
import io.statelock.lock.LockInfo;
import io.statelock.lock.LockRecord;
import io.statelock.lock.LockStatus;
import io.statelock.lock.PlainRunLock;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * What one watch view last knew of each key, and the events that differences from it make.
 * Not thread-safe: its {@link WatchView} calls it under the view's monitor only.
 *
 * <p>Per key, states are ordered: a higher fencing token is newer; with the same token a free
 * key is newer than a held one (release follows acquire) and, for the held lease, a later
 * {@code expiresAt} is newer (renewal). A state that is not newer than the known one has been
 * reported already — by a local event or an earlier poll — and makes no event, so a change is
 * never reported twice, whichever source sees it first.
 */
final class WatchState {
    private static final class Track {
        /** The key as last seen, in holder form: {@code held} while it has a lease, even past expiresAt. */
        LockStatus last;
        /** Hint of the last lease whose EXPIRED was emitted, so it is emitted once per lease. */
        String expiredHint = "";
    }

    private final FencingTokens fences;
    private final long skewMs;
    private final TreeMap<LockKey, Track> known = new TreeMap<>();

    WatchState(FencingTokens fences, long maxClockSkewMs) {
        this.fences = fences;
        this.skewMs = maxClockSkewMs;
    }

    /** A record read from the store (a poll or a snapshot read). */
    void observe(LockRecord record, long nowMs, List<LockEvent> out) {
        apply(LockStatus.holderOf(record, fences), null, nowMs, out);
    }

    /** A change published on this replica. */
    void local(LockEvent event, List<LockEvent> out) {
        if (event.type() == LockEvent.Type.SNAPSHOT) return;
        if (event.type() == LockEvent.Type.EXPIRED) {
            expiredLocally(event.status(), event.atMs(), out);
        } else {
            apply(event.status(), event.type(), event.atMs(), out);
        }
    }

    /** EXPIRED for every held lease whose {@code expiresAt + maxClockSkew} has passed; call only right after a read. */
    void expire(long nowMs, List<LockEvent> out) {
        for (Track track : known.values()) {
            if (expiryDue(track, nowMs)) {
                track.expiredHint = track.last.leaseIdHint();
                out.add(new LockEvent(LockEvent.Type.EXPIRED, track.last, nowMs));
            }
        }
    }

    /** When the next held lease becomes takeable ({@code expiresAt + skew + 1}), or {@link Long#MAX_VALUE}. */
    long nextExpiryMs() {
        long next = Long.MAX_VALUE;
        for (Track track : known.values()) {
            if (track.last.held() && !track.last.leaseIdHint().equals(track.expiredHint)) {
                long expires = track.last.expiresAtMs();
                // A lock with no expiry (a plain Terraform run's) never becomes takeable: no timer for it.
                if (expires < LockRecord.NO_EXPIRY - skewMs - 1) next = Math.min(next, expires + skewMs + 1);
            }
        }
        return next;
    }

    /** One SNAPSHOT per known key, in key order, as Describe would show it at {@code nowMs}. */
    List<LockEvent> snapshot(long nowMs) {
        List<LockEvent> events = new ArrayList<>(known.size());
        for (Track track : known.values()) {
            events.add(new LockEvent(LockEvent.Type.SNAPSHOT, seenAt(track.last, nowMs), nowMs));
        }
        return events;
    }

    private void apply(LockStatus seen, LockEvent.Type localType, long nowMs, List<LockEvent> out) {
        Track track = known.get(seen.key());
        LockStatus prev = track == null ? null : track.last;
        if (prev != null && !newer(seen, prev)) return; // reported already (or older news)
        if (track == null) {
            track = new Track();
            known.put(seen.key(), track);
        }
        if (seen.held()) {
            if (prev != null && prev.held()) {
                if (prev.leaseIdHint().equals(seen.leaseIdHint())) {
                    track.last = seen;
                    out.add(new LockEvent(LockEvent.Type.RENEWED, seen, nowMs));
                    return;
                }
                // Another lease replaced one that was past takeover time: it expired (as a local takeover says).
                if (expiryDue(track, nowMs)) {
                    track.expiredHint = prev.leaseIdHint();
                    out.add(new LockEvent(LockEvent.Type.EXPIRED, prev, nowMs));
                }
            }
            track.last = seen;
            out.add(new LockEvent(LockEvent.Type.ACQUIRED, seen, nowMs));
            return;
        }
        track.last = seen;
        if (prev == null && seen.fencingToken() == 0) return; // never acquired: nothing happened
        // Held -> free is a release; free -> free with a higher token means leases came and went between polls.
        out.add(new LockEvent(localType != null ? localType : LockEvent.Type.RELEASED, seen, nowMs));
    }

    /** A takeover on this replica reports the lease it replaced; skip it when the timer already did. */
    private void expiredLocally(LockStatus holder, long atMs, List<LockEvent> out) {
        Track track = known.get(holder.key());
        if (track == null) {
            track = new Track();
            track.last = holder;
            known.put(holder.key(), track);
        } else if (!track.last.held() || !track.last.leaseIdHint().equals(holder.leaseIdHint())) {
            return; // the view has moved past that lease already
        }
        if (holder.leaseIdHint().equals(track.expiredHint)) return;
        track.expiredHint = holder.leaseIdHint();
        out.add(new LockEvent(LockEvent.Type.EXPIRED, holder, atMs));
    }

    private boolean expiryDue(Track track, long nowMs) {
        LockStatus last = track.last;
        return last.held() && !last.leaseIdHint().equals(track.expiredHint) && nowMs - skewMs > last.expiresAtMs();
    }

    /** Is {@code a} a later state of the key than {@code b}? */
    static boolean newer(LockStatus a, LockStatus b) {
        if (a.fencingToken() != b.fencingToken()) return a.fencingToken() > b.fencingToken();
        // A plain Terraform run's lock comes and goes without touching the key's counter, and only a poll sees it:
        // at the same token, what the poll reads of it now is the news.
        if (plainRun(a) || plainRun(b)) return !a.leaseIdHint().equals(b.leaseIdHint()) || a.held() != b.held();
        if (a.held() != b.held()) return !a.held();
        return a.held() && a.expiresAtMs() > b.expiresAtMs();
    }

    private static boolean plainRun(LockStatus s) {
        return s.held() && s.info().labels().containsKey(PlainRunLock.ID_LABEL);
    }

    /** Describe's view: a lease past its expiresAt is shown as not held. */
    private static LockStatus seenAt(LockStatus status, long nowMs) {
        if (!status.held() || nowMs <= status.expiresAtMs()) return status;
        return new LockStatus(status.key(), false, "", LockInfo.EMPTY, status.fencingToken(), 0, 0, "");
    }
}

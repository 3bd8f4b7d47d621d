package io.statelock.client;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.statelock.proto.v1.AuditRequest;
import io.statelock.proto.v1.AuditResponse;
import io.statelock.proto.v1.DescribeRequest;
import io.statelock.proto.v1.ForceReleaseRequest;
import io.statelock.proto.v1.ForceReleaseResponse;
import io.statelock.proto.v1.ListRequest;
import io.statelock.proto.v1.ListResponse;
import io.statelock.proto.v1.WatchRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The gRPC {@link Admin}: reads retried on {@code UNAVAILABLE}, watches as server streams. */
final class GrpcAdmin implements Admin {
    /** Page size when following every page of a listing. */
    private static final int LIST_ALL_PAGE = 500;
    /** The service's largest audit page. */
    private static final int AUDIT_PAGE = 1000;

    private final ClientCore core;

    GrpcAdmin(ClientCore core) {
        this.core = core;
    }

    @Override
    public LockState describe(String key) {
        DescribeRequest req = DescribeRequest.newBuilder().setKey(key).build();
        return core.retries.call(
                () -> Convert.lockState(core.blocking(core.callTimeout).describe(req)), Long.MAX_VALUE);
    }

    @Override
    public Page<LockState> list(String prefix, boolean heldOnly, int pageSize, String pageToken) {
        ListRequest req = ListRequest.newBuilder()
                .setPrefix(prefix == null ? "" : prefix)
                .setHeldOnly(heldOnly)
                .setPageSize(pageSize)
                .setPageToken(pageToken == null ? "" : pageToken)
                .build();
        ListResponse r = core.retries.call(() -> core.blocking(core.callTimeout).list(req), Long.MAX_VALUE);
        return new Page<>(r.getLocksList().stream().map(Convert::lockState).toList(), r.getNextPageToken());
    }

    @Override
    public List<LockState> listAll(String prefix, boolean heldOnly) {
        List<LockState> all = new ArrayList<>();
        String pageToken = "";
        do {
            Page<LockState> page = list(prefix, heldOnly, LIST_ALL_PAGE, pageToken);
            all.addAll(page.items());
            checkAdvances(pageToken, page.nextPageToken());
            pageToken = page.nextPageToken();
        } while (!pageToken.isEmpty());
        return all;
    }

    /** A service that answers a page with its own token would be followed forever. */
    private static void checkAdvances(String pageToken, String next) {
        if (next.equals(pageToken) && !pageToken.isEmpty()) {
            throw new StatelockException("INTERNAL", "service repeated page token " + pageToken, null);
        }
    }

    @Override
    public Watcher watchKey(String key, WatchListener listener) {
        return watch(
                WatchRequest.newBuilder()
                        .setKey(Objects.requireNonNull(key, "key"))
                        .build(),
                listener);
    }

    @Override
    public Watcher watchPrefix(String prefix, WatchListener listener) {
        return watch(
                WatchRequest.newBuilder()
                        .setPrefix(prefix == null ? "" : prefix)
                        .build(),
                listener);
    }

    private Watcher watch(WatchRequest request, WatchListener listener) {
        Objects.requireNonNull(listener, "listener");
        WatchCall call = new WatchCall(listener);
        core.watching().watch(request, call);
        return call;
    }

    /** One Watch stream: events to the listener until it ends or is closed. */
    private static final class WatchCall
            implements ClientResponseObserver<WatchRequest, io.statelock.proto.v1.LockEvent>, Watcher {
        private final WatchListener listener;
        private volatile ClientCallStreamObserver<WatchRequest> call;
        /** Set by close(): the CANCELLED the close causes is not the listener's news. */
        private volatile boolean closed;

        WatchCall(WatchListener listener) {
            this.listener = listener;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
            this.call = requestStream;
        }

        @Override
        public void onNext(io.statelock.proto.v1.LockEvent event) {
            if (!closed) {
                listener.onEvent(Convert.lockEvent(event));
            }
        }

        @Override
        public void onError(Throwable t) {
            if (!closed) {
                listener.onError(Errors.decode(t));
            }
        }

        @Override
        public void onCompleted() {
            if (!closed) {
                listener.onCompleted();
            }
        }

        @Override
        public void close() {
            closed = true;
            call.cancel("watch closed by the client", null);
        }
    }

    @Override
    public List<AuditEntry> audit(String prefix, Instant since, Instant until, int limit) {
        List<AuditEntry> all = new ArrayList<>();
        String pageToken = "";
        do {
            AuditRequest.Builder req = AuditRequest.newBuilder()
                    .setPrefix(prefix == null ? "" : prefix)
                    .setPageSize(Math.min(AUDIT_PAGE, Math.max(1, limit - all.size())))
                    .setPageToken(pageToken);
            if (since != null) {
                req.setSince(Convert.timestamp(since));
            }
            if (until != null) {
                req.setUntil(Convert.timestamp(until));
            }
            AuditRequest request = req.build();
            AuditResponse r =
                    core.retries.call(() -> core.blocking(core.callTimeout).audit(request), Long.MAX_VALUE);
            r.getRecordsList().forEach(a -> all.add(Convert.auditEntry(a)));
            checkAdvances(pageToken, r.getNextPageToken());
            pageToken = r.getNextPageToken();
        } while (!pageToken.isEmpty() && all.size() < limit);
        return all.size() > limit ? all.subList(0, limit) : all;
    }

    @Override
    public ForceReleaseResult forceRelease(String key, String reason, long expectedFencingToken) {
        ForceReleaseRequest req = ForceReleaseRequest.newBuilder()
                .setKey(key)
                .setReason(reason)
                .setExpectedFencingToken(expectedFencingToken)
                .build();
        ForceReleaseResponse r =
                core.retries.call(() -> core.blocking(core.callTimeout).forceRelease(req), Long.MAX_VALUE);
        return new ForceReleaseResult(r.getReleased(), r.hasPrevious() ? Convert.lockState(r.getPrevious()) : null);
    }

    @Override
    public ForceReleaseResult forceUnlockTerraform(String key, String reason, String terraformLockId) {
        ForceReleaseRequest req = ForceReleaseRequest.newBuilder()
                .setKey(key)
                .setReason(reason)
                .setTerraformLockId(terraformLockId)
                .build();
        // A retry after a lost answer is harmless: the ID no longer holds the key, nothing more is removed.
        ForceReleaseResponse r =
                core.retries.call(() -> core.blocking(core.callTimeout).forceRelease(req), Long.MAX_VALUE);
        return new ForceReleaseResult(r.getReleased(), r.hasPrevious() ? Convert.lockState(r.getPrevious()) : null);
    }
}

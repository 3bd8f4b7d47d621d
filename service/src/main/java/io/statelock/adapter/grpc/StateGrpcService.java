package io.statelock.adapter.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.statelock.adapter.metrics.RpcMetrics;
import io.statelock.common.LockKey;
import io.statelock.proto.v1.GetStateRequest;
import io.statelock.proto.v1.GetStateResponse;
import io.statelock.proto.v1.ListVersionsRequest;
import io.statelock.proto.v1.ListVersionsResponse;
import io.statelock.proto.v1.PutStateRequest;
import io.statelock.proto.v1.RollbackRequest;
import io.statelock.proto.v1.StateServiceGrpc;
import io.statelock.security.AccessGuard;
import io.statelock.security.Operation;
import io.statelock.state.StateCoordinator;
import io.statelock.state.StateRead;
import io.statelock.state.StateVersion;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * Thin gRPC adapter over {@link StateCoordinator}; blocking (file and store I/O), streaming both ways.
 * Every call runs through {@link CallRunner} (timed, counted, errors mapped), as the lock calls do.
 */
@GrpcService
@Blocking
public class StateGrpcService extends StateServiceGrpc.StateServiceImplBase {
    /**
     * Chunks sent to clients: 64 KiB (the API allows up to 1 MiB). A message no larger than an HTTP/2 window leaves
     * little queued behind flow control when a client resets the download: with 1 MiB chunks, 150 cancelled
     * downloads on one connection closed it under other calls in most runs of CancelCollateralGrpcTest; with
     * 64 KiB, in none of 7.
     */
    static final int CHUNK = 64 * 1024;
    /** While the client is slow, re-check readiness this often (the worker thread waits, memory stays bounded). */
    private static final long READY_POLL_MS = 2;

    @Inject
    StateCoordinator states;

    @Inject
    AccessGuard guard;

    @Inject
    io.statelock.lock.LockCoordinator locks;

    @Inject
    io.statelock.audit.AuditTrail audit;

    @Inject
    RpcMetrics metrics;

    private CallRunner calls;

    @PostConstruct
    void init() {
        calls = new CallRunner(metrics);
    }

    /** Requests that cannot be parsed are answered INVALID_ARGUMENT with the reason (see {@link StrictRequests}). */
    @Override
    public io.grpc.ServerServiceDefinition bindService() {
        return StrictRequests.of(super.bindService());
    }

    @Override
    public StreamObserver<PutStateRequest> putState(StreamObserver<io.statelock.proto.v1.StateVersion> responses) {
        io.statelock.security.Caller caller = CallerInterceptor.current();
        String peer = CallerInterceptor.peer();
        PutStateCall call = new PutStateCall(
                states,
                responses,
                calls,
                (key, leaseId) -> {
                    guard.require(caller, Operation.PUT_STATE, key);
                    // Both factors, as for heartbeats: the lease's secret and a token of the lease's own subject.
                    if (guard.enabled() && !leaseId.isEmpty()) {
                        guard.requireLeaseOwner(
                                caller,
                                Operation.PUT_STATE,
                                leaseId,
                                locks.record(ProtoMapper.key(key)).orElse(null));
                    }
                },
                version -> audit.stateStored(
                        caller,
                        peer,
                        version.key().value(),
                        states.fences().token(version.fenceCounter()),
                        version.version()),
                (key, why) -> audit.stateRefused(caller, peer, key, why));
        // A reset or a lost connection that the transport does not report as a cancel still ends the upload.
        StreamEnds.current().onEnd(call::streamEnded);
        return call;
    }

    @Override
    public void getState(GetStateRequest request, StreamObserver<GetStateResponse> responses) {
        ServerCallStreamObserver<GetStateResponse> call = (ServerCallStreamObserver<GetStateResponse>) responses;
        // A reset or a lost connection that the transport does not report as a cancel still stops the download.
        java.util.concurrent.atomic.AtomicBoolean gone = new java.util.concurrent.atomic.AtomicBoolean();
        StreamEnds.current().onEnd(() -> gone.set(true));
        calls.streaming("get_state", call, () -> {
            guard.require(CallerInterceptor.current(), Operation.GET_STATE, request.getKey());
            try (StateRead read = states.read(new LockKey(request.getKey()), request.getVersion())) {
                call.onNext(GetStateResponse.newBuilder()
                        .setHeader(StateProtoMapper.version(read.version(), states.fences()))
                        .build());
                try (InputStream in = Files.newInputStream(read.bytes().file())) {
                    byte[] buffer = new byte[CHUNK];
                    for (int n = in.readNBytes(buffer, 0, CHUNK); n > 0; n = in.readNBytes(buffer, 0, CHUNK)) {
                        awaitReady(call, gone);
                        call.onNext(GetStateResponse.newBuilder()
                                .setChunk(ByteString.copyFrom(buffer, 0, n))
                                .build());
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the verified state spool", e);
                }
                call.onCompleted();
            }
        });
    }

    @Override
    public void listVersions(ListVersionsRequest request, StreamObserver<ListVersionsResponse> responses) {
        calls.unary("list_versions", responses, () -> {
            guard.require(CallerInterceptor.current(), Operation.LIST_VERSIONS, request.getKey());
            StateCoordinator.VersionPage page =
                    states.versions(new LockKey(request.getKey()), request.getPageSize(), request.getPageToken());
            ListVersionsResponse.Builder b = ListVersionsResponse.newBuilder().setNextPageToken(page.nextPageToken());
            page.versions().forEach(v -> b.addVersions(StateProtoMapper.version(v, states.fences())));
            return b.build();
        });
    }

    @Override
    public void rollback(RollbackRequest request, StreamObserver<io.statelock.proto.v1.StateVersion> responses) {
        calls.unary("rollback", responses, () -> {
            io.statelock.security.Caller caller = CallerInterceptor.current();
            guard.require(caller, Operation.ROLLBACK, request.getKey());
            StateVersion v = states.rollback(
                    new LockKey(request.getKey()),
                    request.getLeaseId(),
                    request.getFencingToken(),
                    request.getToVersion());
            // Destructive: stored before the answer.
            audit.rolledBack(
                    caller,
                    CallerInterceptor.peer(),
                    request.getKey(),
                    states.fences().token(v.fenceCounter()),
                    request.getToVersion(),
                    v.version());
            return StateProtoMapper.version(v, states.fences());
        });
    }

    /** Flow control on the way out: send only while the transport has room, so a slow reader costs no heap. */
    private static void awaitReady(ServerCallStreamObserver<?> call, java.util.concurrent.atomic.AtomicBoolean gone) {
        while (!call.isReady() || gone.get()) {
            // A client that went away stops the download instead of leaving the worker waiting.
            if (call.isCancelled() || gone.get())
                throw Status.CANCELLED.withDescription("client went away").asRuntimeException();
            try {
                Thread.sleep(READY_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
            }
        }
    }
}

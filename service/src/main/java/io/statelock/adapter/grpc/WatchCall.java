package io.statelock.adapter.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.statelock.lock.watch.Watch;
import io.statelock.lock.watch.WatchHub;
import io.statelock.lock.watch.WatchSink;
import io.statelock.lock.watch.Watcher;
import io.statelock.proto.v1.LockEvent;
import io.statelock.proto.v1.WatchRequest;
import io.statelock.security.AccessGuard;
import io.statelock.security.Caller;
import io.statelock.security.Operation;
import io.statelock.security.UnauthenticatedException;

/**
 * One Watch call: the caller's role on the key (as Describe) or on the whole prefix (as List), a slot counted
 * under its identity, an end at its token's expiry, and delivery bound to gRPC flow control: events go out
 * only while {@code isReady()}, the rest waits in the stream's bounded buffer until the call's on-ready.
 * The cancel handler is set before the snapshot is read, so a client that cancels meanwhile frees its slot
 * as soon as the open returns; a connection that closes ends the watch as a cancel does ({@link StreamEnds}).
 */
final class WatchCall {
    private final WatchHub hub;
    private final AccessGuard guard;

    WatchCall(WatchHub hub, AccessGuard guard) {
        this.hub = hub;
        this.guard = guard;
    }

    void run(WatchRequest request, ServerCallStreamObserver<LockEvent> call) {
        Binding binding = new Binding(call);
        // Both handlers only before this method returns (gRPC's rule), so before the open.
        call.setOnCancelHandler(binding::cancel);
        call.setOnReadyHandler(binding::resume);
        StreamEnds.current().onEnd(binding::cancel); // a closed connection, which gRPC does not report as a cancel
        try {
            Caller caller = CallerInterceptor.current();
            if (!request.getKey().isEmpty()) {
                guard.require(caller, Operation.WATCH, request.getKey());
            } else {
                guard.requirePrefix(caller, Operation.WATCH, request.getPrefix());
            }
            Watcher watcher = new Watcher(
                    io.statelock.adapter.WatchIdentity.of(caller, CallerInterceptor.peer()),
                    guard.validUntilMs(caller),
                    () -> new UnauthenticatedException(
                            "token expired, and the watch with it; open it again with a fresh token"));
            binding.attach(hub.open(request.getKey(), request.getPrefix(), watcher, binding));
        } catch (RuntimeException e) {
            call.onError(GrpcErrors.toStatus(e));
        }
    }

    /** The gRPC side of one stream: the hub's sink, and the meeting point of the call's cancel and the watch's open. */
    private static final class Binding implements WatchSink {
        private final ServerCallStreamObserver<LockEvent> call;
        // Guarded by this: the cancel handler may run before, during or after the open.
        private Watch watch;
        private boolean cancelled;

        Binding(ServerCallStreamObserver<LockEvent> call) {
            this.call = call;
        }

        void attach(Watch opened) {
            boolean gone;
            synchronized (this) {
                gone = cancelled;
                if (!gone) watch = opened;
            }
            if (gone) opened.close(); // cancelled while the snapshot was read: free the slot now
        }

        void cancel() {
            Watch open;
            synchronized (this) {
                cancelled = true;
                open = watch;
                watch = null;
            }
            if (open != null) open.close();
        }

        void resume() {
            Watch open;
            synchronized (this) {
                open = watch;
            }
            if (open != null) open.resume();
        }

        @Override
        public void accept(io.statelock.lock.LockEvent event) {
            call.onNext(ProtoMapper.event(event));
        }

        @Override
        public void end(RuntimeException reason) {
            call.onError(GrpcErrors.toStatus(reason));
        }

        @Override
        public boolean ready() {
            return call.isReady();
        }
    }
}

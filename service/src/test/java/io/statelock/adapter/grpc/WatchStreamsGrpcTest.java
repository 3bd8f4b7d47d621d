package io.statelock.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.lock.watch.WatchHub;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.LockEvent;
import io.statelock.proto.v1.LockInfo;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.proto.v1.WatchRequest;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.FaultProxy;
import io.statelock.testing.GatedReads;
import io.statelock.testing.GrpcChannels;
import io.statelock.testing.JwtResource;
import io.statelock.testing.WatchLimitsProfile;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Watch streams through the real gRPC server: per-caller and per-replica slots, slots of calls cancelled or cut
 * before or after their snapshot, and a reader that does not read. Limits from {@link WatchLimitsProfile}:
 * 8 streams, 3 per caller, 20 buffered events.
 */
@QuarkusTest
@TestProfile(WatchLimitsProfile.class)
class WatchStreamsGrpcTest extends ChannelTest {
    static final int MAX_STREAMS = 8;
    static final int PER_CALLER = 3;
    static final int BUFFERED = 20;

    @Inject
    WatchHub hub;

    @AfterEach
    void close() throws InterruptedException {
        GatedReads.open();
        // The streams end when their channel goes: close it here, before the base class would, then wait for them.
        GrpcChannels.close(channel);
        awaitTrue(() -> hub.openStreams() == 0, "every stream of the test ended");
    }

    /** An admin on every key, with a subject of its own (slots are counted per subject). */
    static String admin(String subject) {
        return JwtResource.token(subject, Map.of("groups", List.of("platform-admins")), 300);
    }

    static String key() {
        return "watched/" + UUID.randomUUID() + "/terraform.tfstate";
    }

    Stream watchKey(ManagedChannel on, String token, String key) {
        return Stream.open(on, token, WatchRequest.newBuilder().setKey(key).build(), false);
    }

    @Test
    void oneCallerCannotTakeMoreThanItsShareOfTheStreams() throws Exception {
        String mine = admin("watcher-" + UUID.randomUUID());
        List<Stream> open = new ArrayList<>();
        for (int i = 0; i < PER_CALLER; i++) {
            Stream s = watchKey(channel, mine, key());
            s.awaitEvent(); // the snapshot: the stream is open
            open.add(s);
        }
        Stream refused = watchKey(channel, mine, key());
        Status status = refused.awaitEnd();
        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(status.getDescription())
                .contains(
                        "already has " + PER_CALLER + " open watch streams", "statelock.watch.max-streams-per-caller");

        Stream other = watchKey(channel, admin("watcher-" + UUID.randomUUID()), key());
        other.awaitEvent(); // another identity still gets a slot
        assertThat(hub.openStreams()).isEqualTo(PER_CALLER + 1);
        assertThat(metrics())
                .contains("statelock_watch_streams " + (PER_CALLER + 1) + ".0", "statelock_watch_buffered_events 0.0");

        open.get(0).cancel();
        awaitTrue(() -> hub.openStreams() == PER_CALLER, "the cancelled stream's slot is free");
        watchKey(channel, mine, key()).awaitEvent(); // and the caller's share again
    }

    @Test
    void watchesCancelledWhileTheirSnapshotIsReadFreeTheirSlots() throws Exception {
        // A key watch's snapshot is one read: held at the gate, the call is cancelled before anything is sent.
        for (int round = 0; round < 3; round++) {
            GatedReads.hold();
            List<Stream> cancelled = new ArrayList<>();
            for (int i = 0; i < MAX_STREAMS; i++) {
                // Three subjects, at most their share each: a slot leaked in one round would refuse the next.
                cancelled.add(watchKey(channel, admin("cancel-" + i % PER_CALLER), key()));
            }
            awaitTrue(() -> GatedReads.waiting() == MAX_STREAMS, "every snapshot read is at the gate");
            cancelled.forEach(Stream::cancel);
            GatedReads.open();
            awaitTrue(() -> hub.openStreams() == 0, "the slots of the cancelled watches are free");
        }
        // The replica can still open its max-streams watches, and no more.
        List<Stream> full = new ArrayList<>();
        for (int i = 0; i < MAX_STREAMS; i++) {
            Stream s = watchKey(channel, admin("full-" + UUID.randomUUID()), key());
            s.awaitEvent();
            full.add(s);
        }
        Status refused =
                watchKey(channel, admin("full-" + UUID.randomUUID()), key()).awaitEnd();
        assertThat(refused.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(refused.getDescription())
                .contains("this replica already has " + MAX_STREAMS + " open watch streams");
    }

    @Test
    void aStreamWhoseConnectionIsCutFreesItsSlot() throws Exception {
        try (FaultProxy proxy = FaultProxy.raw("grpc", GrpcChannels.testPort())) {
            ManagedChannel viaProxy = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port())
                    .usePlaintext()
                    .build();
            try {
                String token = admin("cut-" + UUID.randomUUID());
                String kept = key();
                Stream stays = watchKey(channel, token, kept); // on a connection of its own, not cut
                stays.awaitEvent();
                Stream s = Stream.open(
                        viaProxy,
                        token,
                        WatchRequest.newBuilder()
                                .setPrefix("cut/" + UUID.randomUUID() + "/")
                                .build(),
                        false);
                awaitTrue(() -> hub.openStreams() == 2, "the watch is open");
                proxy.cut();
                awaitTrue(() -> hub.openStreams() == 1, "the slot of the cut stream is free");
                assertThat(s.awaitEnd().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                // The other stream was not ended in its place.
                GrpcChannels.locks(channel, token)
                        .acquire(AcquireRequest.newBuilder()
                                .setKey(kept)
                                .setOwner("ci")
                                .setTtl(Duration.newBuilder().setSeconds(30))
                                .build());
                assertThat(stays.awaitEvent().getType()).isEqualTo(io.statelock.proto.v1.LockEvent.Type.ACQUIRED);
            } finally {
                GrpcChannels.close(viaProxy);
            }
        }
    }

    @Test
    void aReaderThatDoesNotReadIsEndedWithItsBufferBounded() throws Exception {
        // A small HTTP/2 window, so the transport stops taking events early and the service's buffer fills.
        ManagedChannel slow = NettyChannelBuilder.forAddress("127.0.0.1", GrpcChannels.testPort())
                .usePlaintext()
                .flowControlWindow(64 * 1024)
                .build();
        try {
            String token = admin("slow-" + UUID.randomUUID());
            String prefix = "slow/" + UUID.randomUUID() + "/";
            Stream reader = Stream.open(
                    slow, token, WatchRequest.newBuilder().setPrefix(prefix).build(), true);
            awaitTrue(() -> hub.openStreams() == 1, "the watch is open");

            // ~3 KiB per event: a few dozen fill the window; then the stream's buffer takes 20 more.
            LockServiceGrpc.LockServiceBlockingStub locks = GrpcChannels.locks(channel, token);
            LockInfo info = LockInfo.newBuilder()
                    .setOperation("apply")
                    .setInfo("x".repeat(3000))
                    .build();
            int produced = 0;
            int maxBuffered = 0;
            for (int cycle = 0; cycle < 400 && hub.openStreams() > 0; cycle++) {
                AcquireResponse lease = locks.acquire(AcquireRequest.newBuilder()
                        .setKey(prefix + "k")
                        .setOwner("ci")
                        .setInfo(info)
                        .setTtl(Duration.newBuilder().setSeconds(30))
                        .build());
                maxBuffered = Math.max(maxBuffered, hub.bufferedEvents());
                locks.release(ReleaseRequest.newBuilder()
                        .setKey(prefix + "k")
                        .setLeaseId(lease.getLeaseId())
                        .build());
                maxBuffered = Math.max(maxBuffered, hub.bufferedEvents());
                produced += 2;
            }
            assertThat(hub.openStreams())
                    .as("the stream that fell behind has ended and freed its slot")
                    .isZero();
            assertThat(maxBuffered).as("events buffered in the service at most").isLessThanOrEqualTo(BUFFERED);

            reader.call.request(Integer.MAX_VALUE); // now read what the transport holds, then the end
            Status end = reader.awaitEnd();
            assertThat(end.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(end.getDescription()).startsWith("watch stream fell behind: " + BUFFERED + " events buffered");
            assertThat(reader.events.size())
                    .as("events that reached the reader")
                    .isLessThan(produced);
        } finally {
            GrpcChannels.close(slow);
        }
    }

    static String metrics() throws Exception {
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                        "http://127.0.0.1:" + GrpcChannels.testPort() + "/q/metrics"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(20); // polling a condition the service reaches on its own threads
        }
    }

    /** One Watch call as a client sees it. */
    static final class Stream implements ClientResponseObserver<WatchRequest, LockEvent> {
        final BlockingQueue<LockEvent> events = new LinkedBlockingQueue<>();
        final CompletableFuture<Status> end = new CompletableFuture<>();
        final boolean manual;
        volatile ClientCallStreamObserver<WatchRequest> call;

        private Stream(boolean manual) {
            this.manual = manual;
        }

        /** {@code manual}: the client requests no message until the test says so (a reader that does not read). */
        static Stream open(ManagedChannel channel, String token, WatchRequest request, boolean manual) {
            Stream s = new Stream(manual);
            LockServiceGrpc.newStub(channel)
                    .withCallCredentials(GrpcChannels.bearer(token))
                    .watch(request, s);
            return s;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
            call = requestStream;
            if (manual) requestStream.disableAutoRequestWithInitial(0);
        }

        @Override
        public void onNext(LockEvent event) {
            events.add(event);
        }

        @Override
        public void onError(Throwable t) {
            end.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            end.complete(Status.OK);
        }

        LockEvent awaitEvent() throws InterruptedException {
            LockEvent e = events.poll(20, TimeUnit.SECONDS);
            if (e == null) throw new AssertionError("no event within 20 s; ended: " + end.getNow(null));
            return e;
        }

        Status awaitEnd() throws Exception {
            return end.get(20, TimeUnit.SECONDS);
        }

        void cancel() {
            call.cancel("the test cancels", null);
        }
    }
}

package io.statelock.testing;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.statelock.proto.v1.GetStateRequest;
import io.statelock.proto.v1.GetStateResponse;
import io.statelock.proto.v1.PutStateHeader;
import io.statelock.proto.v1.PutStateRequest;
import io.statelock.proto.v1.StateServiceGrpc;
import io.statelock.proto.v1.StateVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Streams state to and from the StateService the way a client would: 1 MiB chunks, with flow control. */
public final class StateClient {
    public static final int CHUNK = 1024 * 1024;
    private final ManagedChannel channel;
    private io.grpc.CallCredentials credentials;

    public StateClient(ManagedChannel channel) {
        this.channel = channel;
    }

    /** Calls as the bearer of {@code token} (authentication on). */
    public StateClient as(String token) {
        credentials = GrpcChannels.bearer(token);
        return this;
    }

    private StateServiceGrpc.StateServiceStub stub() {
        var stub = StateServiceGrpc.newStub(channel);
        return credentials == null ? stub : stub.withCallCredentials(credentials);
    }

    /** Sends the header, the stream's bytes in chunks and the commit; returns the stored version or throws the call's error. */
    public StateVersion put(PutStateHeader header, InputStream data) throws Exception {
        CompletableFuture<StateVersion> result = new CompletableFuture<>();
        var stub = stub().withDeadlineAfter(5, TimeUnit.MINUTES);
        var call = (io.grpc.stub.ClientCallStreamObserver<PutStateRequest>) stub.putState(new StreamObserver<>() {
            public void onNext(StateVersion v) {
                result.complete(v);
            }

            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            public void onCompleted() {}
        });
        call.onNext(PutStateRequest.newBuilder().setHeader(header).build());
        byte[] buffer = new byte[CHUNK];
        long sent = 0;
        for (int n = data.readNBytes(buffer, 0, CHUNK);
                n > 0 && !result.isDone();
                n = data.readNBytes(buffer, 0, CHUNK)) {
            while (!call.isReady() && !result.isDone()) Thread.sleep(1); // client-side flow control
            call.onNext(PutStateRequest.newBuilder()
                    .setChunk(ByteString.copyFrom(buffer, 0, n))
                    .build());
            sent += n;
        }
        if (!result.isDone()) {
            call.onNext(PutStateRequest.newBuilder()
                    .setCommit(io.statelock.proto.v1.PutStateCommit.newBuilder().setSize(sent))
                    .build());
            call.onCompleted();
        }
        try {
            return result.get(5, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("PutState did not answer", e);
        }
    }

    public StateVersion put(PutStateHeader header, byte[] data) throws Exception {
        return put(header, new java.io.ByteArrayInputStream(data));
    }

    /** Reads a version into {@code out}; returns its header. */
    public StateVersion get(String key, String version, OutputStream out) {
        Iterator<GetStateResponse> it = StateServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.MINUTES)
                .getState(GetStateRequest.newBuilder()
                        .setKey(key)
                        .setVersion(version)
                        .build());
        StateVersion header = it.next().getHeader();
        try {
            while (it.hasNext()) {
                GetStateResponse r = it.next();
                if (r.getChunk().size() > CHUNK)
                    throw new AssertionError(
                            "chunk larger than 1 MiB: " + r.getChunk().size());
                r.getChunk().writeTo(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return header;
    }

    public byte[] get(String key, String version) {
        var out = new java.io.ByteArrayOutputStream();
        get(key, version, out);
        return out.toByteArray();
    }
}

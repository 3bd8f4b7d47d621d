package io.statelock.client;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.statelock.proto.v1.GetStateRequest;
import io.statelock.proto.v1.GetStateResponse;
import io.statelock.proto.v1.PutStateHeader;
import io.statelock.proto.v1.PutStateRequest;
import io.statelock.proto.v1.StateServiceGrpc;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** The {@code StateService} calls of {@link GrpcStatelockClient}: fenced writes (never retried) and reads. */
final class GrpcStateCalls {
  /** The service takes chunks of at most 1 MiB. */
  static final int CHUNK = 1 << 20;

  private final ManagedChannel channel;
  private final Duration callTimeout;
  private final Retries retries;

  GrpcStateCalls(ManagedChannel channel, Duration callTimeout, Retries retries) {
    this.channel = channel;
    this.callTimeout = callTimeout;
    this.retries = retries;
  }

  /**
   * One attempt, never retried: a write whose answer was lost may have landed, and writing it again
   * under the same fence could be taken for a new write. Such a failure is reported as {@link
   * WriteOutcomeUnknownException} for the caller to resolve by reading.
   */
  StateVersion put(String key, String leaseId, long fencingToken, byte[] state) {
    CompletableFuture<io.statelock.proto.v1.StateVersion> answer = new CompletableFuture<>();
    StreamObserver<PutStateRequest> requests = StateServiceGrpc.newStub(channel)
        .withDeadlineAfter(callTimeout.toNanos(), TimeUnit.NANOSECONDS)
        .withOption(GrpcStatelockClient.UNDER_LEASE, true)
        .putState(new StreamObserver<>() {
          @Override
          public void onNext(io.statelock.proto.v1.StateVersion v) {
            answer.complete(v);
          }

          @Override
          public void onError(Throwable t) {
            answer.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            answer.completeExceptionally(new StatelockException("INTERNAL", "PutState ended without a version", null));
          }
        });
    requests.onNext(PutStateRequest.newBuilder().setHeader(PutStateHeader.newBuilder().setKey(key)
        .setLeaseId(leaseId).setFencingToken(fencingToken).setSha256(sha256(state))).build());
    for (int off = 0; off < state.length; off += CHUNK) {
      requests.onNext(PutStateRequest.newBuilder()
          .setChunk(ByteString.copyFrom(state, off, Math.min(CHUNK, state.length - off))).build());
    }
    requests.onCompleted();
    try {
      return version(answer.get());
    } catch (ExecutionException e) {
      throw Errors.decodeWrite(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WriteOutcomeUnknownException("CANCELLED", "interrupted while writing the state of " + key, e);
    }
  }

  /** The current state, digest-verified by the service; retried on {@code UNAVAILABLE} (a read changes nothing). */
  StateSnapshot get(String key) {
    GetStateRequest request = GetStateRequest.newBuilder().setKey(key).build();
    return retries.call(() -> {
      Iterator<GetStateResponse> parts = StateServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(callTimeout.toNanos(), TimeUnit.NANOSECONDS).getState(request);
      StateVersion version = null;
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      while (parts.hasNext()) {
        GetStateResponse part = parts.next();
        if (part.hasHeader()) {
          version = version(part.getHeader());
        } else {
          bytes.writeBytes(part.getChunk().toByteArray());
        }
      }
      if (version == null) {
        throw new StatelockException("INTERNAL", "GetState of " + key + " answered without a header", null);
      }
      return new StateSnapshot(version, bytes.toByteArray());
    }, Long.MAX_VALUE);
  }

  private static StateVersion version(io.statelock.proto.v1.StateVersion v) {
    return new StateVersion(v.getKey(), v.getVersion(), v.getSize(), v.getSha256(), v.getFencingToken(),
        v.hasWrittenAt() ? Convert.instant(v.getWrittenAt()) : null, v.getWrittenBy());
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}

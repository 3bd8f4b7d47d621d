package io.statelock.testing;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;

/** Plaintext channels to the service under test (gRPC shares the HTTP port). */
public final class GrpcChannels {
    private GrpcChannels() {}

    public static int testPort() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    public static ManagedChannel open() {
        return NettyChannelBuilder.forAddress("127.0.0.1", testPort())
                .usePlaintext()
                .build();
    }

    /** {@code authorization: Bearer <token>} on every call. */
    public static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                applier.apply(headers);
            }
        };
    }

    /** A LockService stub with a 20 s deadline, as the bearer of {@code token} (none when null). */
    public static io.statelock.proto.v1.LockServiceGrpc.LockServiceBlockingStub locks(
            ManagedChannel channel, String token) {
        var stub =
                io.statelock.proto.v1.LockServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
        return token == null ? stub : stub.withCallCredentials(bearer(token));
    }

    public static void close(ManagedChannel channel) throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }
}

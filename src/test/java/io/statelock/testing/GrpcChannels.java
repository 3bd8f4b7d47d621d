package io.statelock.testing;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;

/** Plaintext channels to the service under test (gRPC shares the HTTP port). */
public final class GrpcChannels {
    private GrpcChannels() {
    }

    public static int testPort() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    public static ManagedChannel open() {
        return NettyChannelBuilder.forAddress("127.0.0.1", testPort()).usePlaintext().build();
    }

    public static void close(ManagedChannel channel) throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }
}

package io.statelock.testing;

import io.grpc.ManagedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test against the service's gRPC port: a fresh plaintext channel for each test, closed after it.
 * JUnit runs this class's {@code @BeforeEach} before a subclass's, and its {@code @AfterEach} after.
 */
public abstract class ChannelTest {
    protected ManagedChannel channel;

    @BeforeEach
    void openChannel() {
        channel = GrpcChannels.open();
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        GrpcChannels.close(channel);
    }
}

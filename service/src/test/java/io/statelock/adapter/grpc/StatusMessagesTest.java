package io.statelock.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.statelock.proto.v1.DescribeRequest;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.GrpcChannels;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Status messages on the wire are spec-encoded: {@code :}, {@code /}, {@code =} as they are, not form-encoded. */
@QuarkusTest
class StatusMessagesTest extends ChannelTest {
    @Test
    void theRawGrpcMessageKeepsPrintableCharactersAsTheyAre() throws Exception {
        byte[] request =
                DescribeRequest.newBuilder().setKey("bad//key=é").build().toByteArray();
        ByteBuffer frame = ByteBuffer.allocate(5 + request.length)
                .put((byte) 0)
                .putInt(request.length)
                .put(request);
        Vertx vertx = Vertx.vertx();
        try {
            HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                    .setProtocolVersion(HttpVersion.HTTP_2)
                    .setHttp2ClearTextUpgrade(false)
                    .setDefaultHost("127.0.0.1")
                    .setDefaultPort(GrpcChannels.testPort()));
            String[] statusAndMessage = client.request(HttpMethod.POST, "/statelock.v1.LockService/Describe")
                    .compose(req -> {
                        req.putHeader("content-type", "application/grpc").putHeader("te", "trailers");
                        req.end(Buffer.buffer(frame.array()));
                        return req.response()
                                .compose(r -> r.body().map(b -> new String[] {
                                    r.getHeader("grpc-status") != null
                                            ? r.getHeader("grpc-status")
                                            : r.getTrailer("grpc-status"),
                                    r.getHeader("grpc-message") != null
                                            ? r.getHeader("grpc-message")
                                            : r.getTrailer("grpc-message")
                                }));
                    })
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(20, TimeUnit.SECONDS);
            assertThat(statusAndMessage[0]).isEqualTo(String.valueOf(Status.Code.INVALID_ARGUMENT.value()));
            assertThat(statusAndMessage[1])
                    .isEqualTo("invalid argument: key: may only contain A-Z a-z 0-9 . _ / : = @ + -");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aGrpcClientReadsTheMessageBackWhole() {
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> LockServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(20, TimeUnit.SECONDS)
                        .describe(DescribeRequest.newBuilder()
                                .setKey("bad//key=é%")
                                .build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription())
                .isEqualTo("invalid argument: key: may only contain A-Z a-z 0-9 . _ / : = @ + -");
    }

    @Test
    void encodingFollowsTheSpec() {
        assertThat(StatusMessages.encode("a: b/c;d=e@f+g 100%")).isEqualTo("a: b/c;d=e@f+g 100%25");
        assertThat(StatusMessages.encode("é\n")).isEqualTo("%C3%A9%0A");
    }
}

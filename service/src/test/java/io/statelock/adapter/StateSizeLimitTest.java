package io.statelock.adapter;

import static io.statelock.testing.TerraformHttp.lockInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.QuotaFailure;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.GetStateRequest;
import io.statelock.proto.v1.ListVersionsRequest;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.PutStateHeader;
import io.statelock.proto.v1.StateServiceGrpc;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.GrpcChannels;
import io.statelock.testing.OfferedBytes;
import io.statelock.testing.ServiceChecks;
import io.statelock.testing.StateClient;
import io.statelock.testing.TerraformHttp;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code statelock.state.max-size} over both edges: a PutState stream and a Terraform POST (chunked, and with a
 * Content-Length) over the limit are refused while streaming — the service stops reading at the limit — and
 * leave nothing behind: no version, no object, no spool file, a ready replica whose next write succeeds.
 */
@QuarkusTest
@TestProfile(StateSizeLimitTest.SmallStates.class)
class StateSizeLimitTest extends ChannelTest {
    static final int MAX = 3 * 1024 * 1024;
    /** What a client offers: far more than the limit, so a service that read it all would be caught. */
    static final long OFFERED = 256L * 1024 * 1024;
    /** A client may get this far past the limit (socket buffers, one batch in flight), not further. */
    static final long READ_BOUND = 64L * 1024 * 1024;

    public static class SmallStates implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "statelock.state.max-size",
                    "3M",
                    "statelock.state.spool-dir",
                    "target/test-data/" + UUID.randomUUID() + "/spool");
        }
    }

    LockServiceGrpc.LockServiceBlockingStub locks;
    StateServiceGrpc.StateServiceBlockingStub states;
    String key;

    @BeforeEach
    void open() {
        locks = LockServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        states = StateServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        key = "limits/" + UUID.randomUUID() + "/terraform.tfstate";
    }

    PutStateHeader header(AcquireResponse lease) {
        return PutStateHeader.newBuilder()
                .setKey(key)
                .setLeaseId(lease.getLeaseId())
                .setFencingToken(lease.getFencingToken())
                .build();
    }

    /** A Terraform state document of exactly {@code size} bytes. */
    static byte[] state(int size) {
        byte[] head =
                "{\"version\":4,\"serial\":1,\"lineage\":\"L\",\"padding\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) 'a');
        System.arraycopy(head, 0, b, 0, head.length);
        b[size - 2] = '"';
        b[size - 1] = '}';
        return b;
    }

    void assertNothingStored() throws Exception {
        assertThatThrownBy(() -> states.getState(
                                GetStateRequest.newBuilder().setKey(key).build())
                        .next())
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThat(states.listVersions(
                                ListVersionsRequest.newBuilder().setKey(key).build())
                        .getVersionsList())
                .isEmpty();
        assertThat(ServiceChecks.stateObjects(key)).isEmpty();
        ServiceChecks.assertSpoolEmpties();
        ServiceChecks.assertReady();
    }

    @Test
    void aPutStateOverTheLimitIsResourceExhaustedReadOnlyToTheLimitAndStoresNothing() throws Exception {
        AcquireResponse lease = locks.acquire(
                AcquireRequest.newBuilder().setKey(key).setOwner("ci").build());
        OfferedBytes offered = new OfferedBytes(OFFERED);

        assertThatThrownBy(() -> new StateClient(channel).put(header(lease), offered))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription())
                            .contains("statelock.state.max-size")
                            .contains("nothing stored");
                    com.google.rpc.Status rich = StatusProto.fromThrowable(e);
                    assertThat(rich.getDetailsList())
                            .anySatisfy(
                                    d -> assertThat(d.is(QuotaFailure.class)).isTrue());
                    // The same bytes never fit: no hint to retry.
                    assertThat(rich.getDetailsList())
                            .noneSatisfy(d -> assertThat(d.is(RetryInfo.class)).isTrue());
                });
        System.out.printf("PutState over a 3 MiB limit: the client sent %d bytes of %d%n", offered.taken(), OFFERED);
        assertThat(offered.taken())
                .as("bytes the client could send before the refusal")
                .isLessThan(READ_BOUND);
        assertNothingStored();

        // The next write, of exactly the limit, is stored.
        byte[] atLimit = state(MAX);
        assertThat(new StateClient(channel).put(header(lease), atLimit).getSize())
                .isEqualTo(MAX);
    }

    @Test
    void aChunkedPostOverTheLimitIs413ReadOnlyToTheLimitAndStoresNothing() throws Exception {
        TerraformHttp tf = new TerraformHttp(GrpcChannels.testPort(), key);
        String id = UUID.randomUUID().toString();
        assertThat(tf.lock(lockInfo(id, "ci")).statusCode()).isEqualTo(200);
        OfferedBytes offered = new OfferedBytes(OFFERED);

        HttpResponse<String> r = post(tf, id, HttpRequest.BodyPublishers.ofInputStream(() -> offered));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
        assertThat(r.body()).contains("statelock.state.max-size");
        assertThat(r.headers().firstValue("Retry-After")).isEmpty();
        System.out.printf(
                "chunked POST over a 3 MiB limit: the client sent %d bytes of %d%n", offered.taken(), OFFERED);
        assertThat(offered.taken()).isLessThan(READ_BOUND);
        assertNothingStored();
        assertThat(tf.post(id, state(1024)).statusCode()).isEqualTo(200);
    }

    @Test
    void aPostWhoseContentLengthIsOverTheLimitIs413BeforeItsBodyIsRead() throws Exception {
        TerraformHttp tf = new TerraformHttp(GrpcChannels.testPort(), key);
        String id = UUID.randomUUID().toString();
        assertThat(tf.lock(lockInfo(id, "ci")).statusCode()).isEqualTo(200);
        OfferedBytes offered = new OfferedBytes(OFFERED);

        HttpResponse<String> r = post(
                tf,
                id,
                HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> offered), OFFERED));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
        assertThat(r.body()).contains("statelock.state.max-size");
        System.out.printf(
                "POST with Content-Length over a 3 MiB limit: the client sent %d bytes of %d%n",
                offered.taken(), OFFERED);
        assertThat(offered.taken()).isLessThan(READ_BOUND);

        // A client that sends the head and 1 KiB of the body, then waits: answered from the Content-Length alone.
        try (Socket socket = new Socket("127.0.0.1", GrpcChannels.testPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream()
                    .write(("POST /terraform/" + key + "?ID=" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    + "Content-Type: application/json\r\nContent-Length: " + OFFERED + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(new byte[1024]);
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readNBytes(512), StandardCharsets.ISO_8859_1);
            assertThat(answer)
                    .startsWith("HTTP/1.1 413")
                    .containsIgnoringCase("connection: close")
                    .contains("statelock.state.max-size");
        }

        assertNothingStored();
        byte[] atLimit = state(MAX);
        assertThat(tf.post(id, atLimit).statusCode()).isEqualTo(200);
        assertThat(tf.get().body()).isEqualTo(atLimit);
    }

    @Test
    void aPostUnderALockIdThatDoesNotHoldTheKeyIs409BeforeItsBodyIsRead() throws Exception {
        TerraformHttp tf = new TerraformHttp(GrpcChannels.testPort(), key);
        String id = UUID.randomUUID().toString();
        assertThat(tf.lock(lockInfo(id, "ci")).statusCode()).isEqualTo(200);

        // A made-up (or stale) lock ID, a body within the size limit that the client never sends: answered from
        // the head alone, so nobody can have whole states spooled to disk only to be refused after.
        try (Socket socket = new Socket("127.0.0.1", GrpcChannels.testPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream()
                    .write(("POST /terraform/" + key + "?ID=" + UUID.randomUUID() + " HTTP/1.1\r\n"
                                    + "Host: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                                    + (MAX - 1) + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readNBytes(512), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 409").containsIgnoringCase("connection: close");
        }

        assertNothingStored();
        assertThat(tf.post(id, state(1024)).statusCode()).isEqualTo(200);
    }

    static HttpResponse<String> post(TerraformHttp tf, String id, HttpRequest.BodyPublisher body) throws Exception {
        return tf.client().send(request(tf, id, body), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest request(TerraformHttp tf, String id, HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(URI.create(tf.address() + "?ID=" + id))
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json")
                .POST(body)
                .build();
    }
}

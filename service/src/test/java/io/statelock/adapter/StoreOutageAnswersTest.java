package io.statelock.adapter;

import static io.statelock.testing.TerraformHttp.lockInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.DescribeRequest;
import io.statelock.proto.v1.ListRequest;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.testing.CapturedLog;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.Dynalite;
import io.statelock.testing.GrpcChannels;
import io.statelock.testing.S3Proxy;
import io.statelock.testing.ServiceChecks;
import io.statelock.testing.TerraformHttp;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service pointed at stores that fail — a DynamoDB-API server (dynalite) without the lock table, an S3-API
 * server (s3proxy) without the bucket: callers over gRPC, over HTTP and on {@code /q/health} get a fixed text
 * with an incident id, never the table or bucket name, the endpoint, the SDK's text or exception class names;
 * the log has the full cause under the same id.
 */
@QuarkusTest
@TestProfile(StoreOutageAnswersTest.MissingTableAndBucket.class)
class StoreOutageAnswersTest extends ChannelTest {
    static final String TABLE =
            "statelock-missing-" + UUID.randomUUID().toString().substring(0, 8);
    static final String BUCKET =
            "statelock-missing-" + UUID.randomUUID().toString().substring(0, 8);
    static final Pattern INCIDENT = Pattern.compile("incident ([0-9a-f]{12})");

    public static class MissingTableAndBucket implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(MissingStores.class));
        }
    }

    /** Real servers on loopback, without the table and bucket the service is told to use. */
    public static class MissingStores implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.ofEntries(
                    Map.entry("statelock.store", "dynamodb"),
                    Map.entry("statelock.dynamodb.table", TABLE),
                    Map.entry("statelock.dynamodb.audit-table", TABLE + "-audit"),
                    Map.entry(
                            "quarkus.dynamodb.endpoint-override",
                            Dynalite.shared().endpoint().toString()),
                    Map.entry("quarkus.dynamodb.aws.region", "us-east-1"),
                    Map.entry("quarkus.dynamodb.aws.credentials.type", "static"),
                    Map.entry("quarkus.dynamodb.aws.credentials.static-provider.access-key-id", "test"),
                    Map.entry("quarkus.dynamodb.aws.credentials.static-provider.secret-access-key", "test"),
                    Map.entry("statelock.blob", "s3"),
                    Map.entry("statelock.s3.bucket", BUCKET),
                    Map.entry(
                            "quarkus.s3.endpoint-override",
                            S3Proxy.shared().endpoint().toString()),
                    Map.entry("quarkus.s3.path-style-access", "true"),
                    Map.entry("quarkus.s3.aws.region", "us-east-1"),
                    Map.entry("quarkus.s3.aws.credentials.type", "static"),
                    Map.entry("quarkus.s3.aws.credentials.static-provider.access-key-id", S3Proxy.IDENTITY),
                    Map.entry("quarkus.s3.aws.credentials.static-provider.secret-access-key", S3Proxy.CREDENTIAL));
        }

        @Override
        public void stop() {
            // shared servers, stopped with the JVM
        }
    }

    LockServiceGrpc.LockServiceBlockingStub locks;
    CapturedLog log;
    String key;

    @BeforeEach
    void open() {
        locks = LockServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        log = CapturedLog.of("io.statelock");
        key = "outage/" + UUID.randomUUID() + "/terraform.tfstate";
    }

    @AfterEach
    void close() throws InterruptedException {
        log.close();
    }

    /** What no caller may see of a store failure. */
    static void assertRedacted(String told) {
        assertThat(told)
                .doesNotContain(TABLE)
                .doesNotContain(BUCKET)
                .doesNotContain(Dynalite.shared().endpoint().getAuthority())
                .doesNotContain(S3Proxy.shared().endpoint().getAuthority())
                .doesNotContainIgnoringCase("Service: DynamoDb")
                .doesNotContainIgnoringCase("Request ID")
                .doesNotContain("Exception")
                .doesNotContain("NoSuchBucket")
                .doesNotContain("software.amazon");
    }

    /** The incident id in what the caller was told; the log has a line with it and the full cause. */
    String assertIncidentLogged(String told, String cause) {
        Matcher m = INCIDENT.matcher(told);
        assertThat(m.find()).as("an incident id in: " + told).isTrue();
        String id = m.group(1);
        assertThat(log.linesWith(id))
                .as("log lines with incident " + id)
                .anySatisfy(l -> assertThat(l).contains(cause));
        return id;
    }

    StatusRuntimeException unavailable(Supplier<?> call) {
        List<StatusRuntimeException> caught = new ArrayList<>();
        assertThatThrownBy(call::get).isInstanceOfSatisfying(StatusRuntimeException.class, caught::add);
        StatusRuntimeException e = caught.get(0);
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        return e;
    }

    @Test
    void grpcCallsGetAFixedTextAnIncidentIdAndARetryHint() throws Exception {
        List<StatusRuntimeException> errors = List.of(
                unavailable(() -> locks.acquire(
                        AcquireRequest.newBuilder().setKey(key).setOwner("ci").build())),
                unavailable(() ->
                        locks.describe(DescribeRequest.newBuilder().setKey(key).build())),
                unavailable(() ->
                        locks.list(ListRequest.newBuilder().setPrefix("outage/").build())));

        for (StatusRuntimeException e : errors) {
            String told = e.getStatus().getDescription();
            assertThat(told).startsWith(Incidents.STORE_UNAVAILABLE);
            assertRedacted(told);
            assertIncidentLogged(told, TABLE);
            assertThat(StatusProto.fromThrowable(e).getDetailsList()).anySatisfy(d -> {
                assertThat(d.is(RetryInfo.class)).isTrue();
                assertThat(d.unpack(RetryInfo.class).getRetryDelay().getSeconds())
                        .isEqualTo(1);
            });
        }
    }

    @Test
    void httpCallsGet503WithRetryAfterAndAFixedText() throws Exception {
        TerraformHttp tf = new TerraformHttp(GrpcChannels.testPort(), key);
        List<HttpResponse<byte[]>> answers = List.of(
                tf.lock(lockInfo(UUID.randomUUID().toString(), "ci")),
                tf.get(),
                tf.post(null, "{\"version\":4,\"serial\":1,\"lineage\":\"L\"}".getBytes()));

        for (HttpResponse<byte[]> r : answers) {
            String told = TerraformHttp.body(r);
            assertThat(r.statusCode()).as(told).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(told).startsWith(Incidents.STORE_UNAVAILABLE);
            assertRedacted(told);
            assertIncidentLogged(told, TABLE);
        }
    }

    @Test
    void readinessSaysWhichStoreIsDownWithoutItsNamesAndLogsTheCause() throws Exception {
        HttpResponse<String> r = ServiceChecks.ready();
        assertThat(r.statusCode()).isEqualTo(503);
        assertRedacted(r.body());
        JsonNode checks = new ObjectMapper().readTree(r.body()).get("checks");
        int stores = 0;
        for (JsonNode check : checks) {
            String name = check.get("name").asText();
            if (!name.equals("lock-store") && !name.equals("blob-store")) continue; // e.g. Quarkus' own gRPC check
            stores++;
            String reason = check.get("data").get("reason").asText();
            assertThat(check.get("status").asText()).as(name).isEqualTo("DOWN");
            assertThat(reason)
                    .startsWith(name.equals("lock-store") ? "lock store unavailable" : "blob store unavailable");
            assertIncidentLogged(reason, name.equals("lock-store") ? TABLE : BUCKET);
        }
        assertThat(stores).isEqualTo(2);
    }
}

package io.statelock.adapter.http;

import static io.statelock.testing.TerraformHttp.body;
import static io.statelock.testing.TerraformHttp.lockInfo;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.statelock.testing.GrpcChannels;
import io.statelock.testing.ServiceChecks;
import io.statelock.testing.TerraformHttp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The http backend stores only Terraform state: a body without version, serial or lineage is refused, so the
 * serial and lineage checks of every later write keep working; a serial anywhere in 0…2^63−1 is Terraform's; an
 * h2 body whose length is not its content-length is a 400 and leaves no spool file.
 */
@QuarkusTest
class TerraformStateBodiesTest {
    String key;
    TerraformHttp tf;
    String id;

    @BeforeEach
    void lock() throws Exception {
        key = "bodies/" + UUID.randomUUID() + "/terraform.tfstate";
        tf = new TerraformHttp(GrpcChannels.testPort(), key);
        id = UUID.randomUUID().toString();
        assertThat(tf.lock(lockInfo(id, "alice@laptop")).statusCode()).isEqualTo(200);
    }

    static byte[] state(String serial, String lineage) {
        return ("{\"version\":4,\"serial\":" + serial + ",\"lineage\":\"" + lineage + "\",\"resources\":[]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aBodyWithoutItsTerraformFieldsIsRefusedAndLaterChecksStillHold() throws Exception {
        var refused = tf.post(id, "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(body(refused)).contains("version is missing").contains("nothing stored");
        assertThat(tf.post(id, state("5", "L")).statusCode()).isEqualTo(200);
        assertThat(tf.post(id, state("4", "L")).statusCode())
                .as("an older serial")
                .isEqualTo(409);
        assertThat(tf.post(id, state("6", "OTHER")).statusCode())
                .as("another lineage")
                .isEqualTo(409);
    }

    @Test
    void aSerialUpTo2To63Minus1IsTerraformsAndKeepsTheLineageChecked() throws Exception {
        assertThat(tf.post(id, state("1000000000000000000", "L")).statusCode()).isEqualTo(200);
        assertThat(tf.post(id, state("1000000000000000001", "OTHER")).statusCode())
                .as("another lineage")
                .isEqualTo(409);
        assertThat(tf.post(id, state("9223372036854775807", "L")).statusCode()).isEqualTo(200);
        assertThat(tf.post(id, state("9223372036854775806", "L")).statusCode())
                .as("an older serial")
                .isEqualTo(409);
        var over = tf.post(id, state("9223372036854775808", "L"));
        assertThat(over.statusCode()).isEqualTo(400);
        assertThat(body(over)).contains("serial must be a whole number from 0 to 9223372036854775807");
    }

    @Test
    void openTofusEncryptedStateHasNoVersionAndIsStoredAndChecked() throws Exception {
        byte[] encrypted = ("{\"serial\":3,\"lineage\":\"L\",\"meta\":{\"key_provider.pbkdf2.k\":\"e30=\"},"
                        + "\"encrypted_data\":\"AAEC\",\"encryption_version\":\"v0\"}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(tf.post(id, encrypted).statusCode()).isEqualTo(200);
        assertThat(tf.post(id, state("2", "L")).statusCode())
                .as("an older serial")
                .isEqualTo(409);
    }

    @Test
    void aLockIdOfThePublicFormIsRefused() throws Exception {
        TerraformHttp other = new TerraformHttp(GrpcChannels.testPort(), key + "-other");
        var refused = other.lock(lockInfo("fence-0", "mallory"));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(body(refused)).contains("fence-<digits>");
    }

    @Test
    void duplicateNamesAreRefusedWhicheverComesFirst() throws Exception {
        assertThat(tf.post(id, state("5", "L")).statusCode()).isEqualTo(200);
        // Go would read serial 9, a first-wins reader 5: neither may decide.
        var dup = tf.post(
                id, ("{\"version\":4,\"serial\":5,\"serial\":9,\"lineage\":\"L\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(dup.statusCode()).isEqualTo(400);
        assertThat(body(dup)).contains("Duplicate field 'serial'");
    }

    @Test
    void anH2BodyShorterOrLongerThanItsContentLengthIs400AndLeavesNothing() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                    .setProtocolVersion(HttpVersion.HTTP_2)
                    .setHttp2ClearTextUpgrade(false)
                    .setDefaultHost("127.0.0.1")
                    .setDefaultPort(GrpcChannels.testPort()));
            byte[] whole = state("7", "L");
            for (long declared : new long[] {whole.length + 100L, whole.length - 10L}) {
                int status = client.request(HttpMethod.POST, "/terraform/" + key + "?ID=" + id)
                        .compose(req -> {
                            req.putHeader("content-type", "application/json")
                                    .putHeader("content-length", Long.toString(declared));
                            req.end(Buffer.buffer(whole));
                            return req.response().map(r -> r.statusCode());
                        })
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(20, TimeUnit.SECONDS);
                assertThat(status)
                        .as("declared " + declared + ", sent " + whole.length)
                        .isEqualTo(400);
            }
            client.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        ServiceChecks.assertSpoolEmpties();
        assertThat(tf.get().statusCode()).as("nothing stored").isEqualTo(404);
        ServiceChecks.assertReady();
    }
}

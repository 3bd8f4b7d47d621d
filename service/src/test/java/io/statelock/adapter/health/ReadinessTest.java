package io.statelock.adapter.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.statelock.testing.CapturedLog;
import io.statelock.testing.GrpcChannels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Readiness names both stores: the lock store and the state blob store, each with a reason when down. */
@QuarkusTest
class ReadinessTest {
    @ConfigProperty(name = "statelock.filesystem.dir")
    Path stateDir;

    record Answer(int status, JsonNode body) {
        JsonNode check(String name) {
            for (JsonNode c : body.get("checks")) {
                if (c.get("name").asText().equals(name)) return c;
            }
            throw new AssertionError("no check " + name + " in " + body);
        }
    }

    static Answer ready() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + GrpcChannels.testPort() + "/q/health/ready"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), new ObjectMapper().readTree(r.body()));
    }

    @Test
    void readyWhileBothStoresAnswer() throws Exception {
        Answer a = ready();
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.check("lock-store").get("status").asText()).isEqualTo("UP");
        assertThat(a.check("blob-store").get("status").asText()).isEqualTo("UP");
        assertThat(a.check("blob-store").get("data").get("blob").asText()).isEqualTo("filesystem");
    }

    @Test
    void notReadyWhenTheStateDirectoryIsGoneWithAnIncidentWhoseCauseIsLogged() throws Exception {
        Path dir = stateDir.toAbsolutePath();
        Files.createDirectories(dir);
        Path aside = dir.resolveSibling(dir.getFileName() + ".aside");
        Files.move(dir, aside);
        try (CapturedLog log = CapturedLog.of("io.statelock")) {
            Answer a = ready();
            assertThat(a.status()).isEqualTo(503);
            assertThat(a.check("blob-store").get("status").asText()).isEqualTo("DOWN");
            // /q/health shares the service port: the reason names the store and an incident, not the directory.
            String reason = a.check("blob-store").get("data").get("reason").asText();
            assertThat(reason).startsWith("blob store unavailable (incident ").doesNotContain(dir.toString());
            String id = reason.replaceAll(".*incident ([0-9a-f]+).*", "$1");
            assertThat(log.linesWith(id))
                    .anySatisfy(l -> assertThat(l).contains(dir.toString()).contains("missing or not writable"));
            assertThat(a.check("lock-store").get("status").asText()).isEqualTo("UP");
        } finally {
            Files.move(aside, dir);
        }
        assertThat(ready().status()).isEqualTo(200);
    }
}

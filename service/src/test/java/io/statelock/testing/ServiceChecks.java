package io.statelock.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;

/** What a refused write must leave behind in the service under test: nothing, and a replica still ready. */
public final class ServiceChecks {
    private ServiceChecks() {}

    /** {@code /q/health/ready}: status and body. */
    public static HttpResponse<String> ready() throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + GrpcChannels.testPort() + "/q/health/ready"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    public static void assertReady() throws Exception {
        HttpResponse<String> r = ready();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    public static Path spoolDir() {
        return ConfigProvider.getConfig().getValue("statelock.state.spool-dir", Path.class);
    }

    /** The spool directory empties once the refused upload's file is deleted (that happens after the answer). */
    public static void assertSpoolEmpties() throws Exception {
        Path dir = spoolDir();
        List<Path> left = List.of();
        // Up to 10 s: the delete runs on a worker thread after the answer went out, on a busy machine.
        for (int i = 0; i < 200; i++) {
            left = files(dir);
            if (left.isEmpty()) return;
            Thread.sleep(50);
        }
        assertThat(left).as("spool files left in " + dir).isEmpty();
    }

    /** Files under the state directory (filesystem blobs) for {@code key}: none for a key nothing was stored for. */
    public static List<Path> stateObjects(String key) throws IOException {
        return files(ConfigProvider.getConfig()
                .getValue("statelock.filesystem.dir", Path.class)
                .resolve(key));
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            // A process directory's lock file is the live process's own, not a left-over.
            return s.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().equals(".lock"))
                    .toList();
        }
    }
}

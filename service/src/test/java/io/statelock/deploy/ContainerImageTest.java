package io.statelock.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image: both routes (deploy/image/Dockerfile for a registry, deploy/image/build.sh
 * offline from Debian packages) are checked statically on every run — non-root, one port, the same
 * entrypoint, matching the Kubernetes securityContext. The image tarball that build.sh writes
 * (target/image/statelock-image.tar, or -Dstatelock.image.tar=FILE) is opened and checked when it exists.
 */
class ContainerImageTest {
    private static final Path IMAGE_DIR = NodeCheck.ROOT.resolve("deploy/image");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ENTRYPOINT = List.of(
            "java",
            "-XX:MaxRAMPercentage=25",
            "-XX:+UseSerialGC",
            "-XX:TrimNativeHeapInterval=5000",
            "-XX:-UsePerfData",
            "-Djava.io.tmpdir=/tmp",
            "-jar",
            "/deployments/quarkus-run.jar");

    static List<String> dockerfileInstruction(String instruction) throws IOException {
        List<String> values = new ArrayList<>();
        for (String line : Files.readAllLines(IMAGE_DIR.resolve("Dockerfile"))) {
            if (line.startsWith(instruction + " ")) {
                values.add(line.substring(instruction.length() + 1).trim());
            }
        }
        return values;
    }

    @Test
    void dockerfileRunsTheFastJarAsANonRootUserOnOnePort() throws IOException {
        assertThat(dockerfileInstruction("FROM")).singleElement().asString().contains("17-jre");
        assertThat(dockerfileInstruction("USER")).containsExactly("10001:10001");
        assertThat(dockerfileInstruction("EXPOSE")).containsExactly("8080");
        JsonNode entrypoint = JSON.readTree(dockerfileInstruction("ENTRYPOINT").get(0));
        List<String> args = new ArrayList<>();
        entrypoint.forEach(n -> args.add(n.asText()));
        assertThat(args).isEqualTo(ENTRYPOINT);
        assertThat(dockerfileInstruction("COPY")).allMatch(c -> c.contains("service/target/quarkus-app/"));
    }

    @Test
    void offlineBuildConfiguresTheSameContainer() throws IOException {
        String script = Files.readString(IMAGE_DIR.resolve("build.sh"));
        assertThat(script)
                .contains("UID_GID=10001:10001")
                .contains("--config.user \"$UID_GID\"")
                .contains("--config.exposedports 8080/tcp")
                .contains("debootstrap --variant=minbase")
                .contains("openjdk-17-jre-headless");
        List<String> entrypoint = new ArrayList<>();
        Matcher m = Pattern.compile("--config\\.entrypoint (\\S+)").matcher(script);
        while (m.find()) {
            entrypoint.add(m.group(1));
        }
        assertThat(entrypoint).isEqualTo(ENTRYPOINT);
        // The Kubernetes pod runs as the image's user, and its probes hit the image's port.
        String deployment = Files.readString(NodeCheck.ROOT.resolve("deploy/kubernetes/base/deployment.yaml"));
        assertThat(deployment)
                .contains("runAsUser: 10001")
                .contains("runAsGroup: 10001")
                .contains("containerPort: 8080");
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + out).isZero();
        return out;
    }

    @Test
    void builtImageTarball(@TempDir Path tmp) throws Exception {
        Path tar = Path.of(System.getProperty(
                "statelock.image.tar",
                NodeCheck.ROOT.resolve("target/image/statelock-image.tar").toString()));
        assumeThat(Files.isRegularFile(tar))
                .as("%s exists (built by deploy/image/build.sh)", tar)
                .isTrue();

        run(tmp, "tar", "-xf", tar.toString(), "manifest.json");
        JsonNode manifest = JSON.readTree(tmp.resolve("manifest.json").toFile()).get(0);
        assertThat(manifest.get("RepoTags").get(0).asText()).contains("statelock:");
        String configName = manifest.get("Config").asText();
        run(tmp, "tar", "-xf", tar.toString(), configName);
        JsonNode config = JSON.readTree(tmp.resolve(configName).toFile());
        assertThat(config.get("os").asText()).isEqualTo("linux");
        JsonNode c = config.get("config");
        assertThat(c.get("User").asText()).isEqualTo("10001:10001");
        List<String> entrypoint = new ArrayList<>();
        c.get("Entrypoint").forEach(n -> entrypoint.add(n.asText()));
        assertThat(entrypoint).isEqualTo(ENTRYPOINT);
        assertThat(c.get("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(c.get("WorkingDir").asText()).isEqualTo("/deployments");
        assertThat(c.get("Env").toString())
                .contains("QUARKUS_HTTP_HOST=0.0.0.0")
                .contains("HOME=/tmp");

        // Layers: the Debian base with a JRE and the service's user, then dependencies, then the application.
        JsonNode layers = manifest.get("Layers");
        assertThat(layers.size()).isEqualTo(3);
        assertThat(config.get("rootfs").get("diff_ids").size()).isEqualTo(3);
        List<List<String>> listings = new ArrayList<>();
        for (JsonNode layer : layers) {
            run(tmp, "tar", "-xf", tar.toString(), layer.asText());
            listings.add(List.of(run(tmp, "tar", "-tf", layer.asText()).split("\n")));
        }
        assertThat(listings.get(0))
                .anyMatch(e -> e.matches("\\./usr/lib/jvm/java-17-openjdk-[a-z0-9]+/bin/java"))
                .contains("./etc/passwd")
                .noneMatch(e -> e.startsWith("./deployments/"));
        run(tmp, "tar", "-xf", layers.get(0).asText(), "./etc/passwd");
        assertThat(Files.readString(tmp.resolve("etc/passwd"))).contains("statelock:x:10001:10001:");
        assertThat(listings.get(1))
                .anyMatch(e -> e.startsWith("./deployments/lib/main/"))
                .noneMatch(e -> e.endsWith("quarkus-run.jar"));
        assertThat(listings.get(2))
                .contains("./deployments/quarkus-run.jar")
                .anyMatch(e -> e.startsWith("./deployments/quarkus/"))
                .noneMatch(e -> e.startsWith("./deployments/lib/"));
        // Application files are root's and read-only for the service's user.
        String verbose = run(tmp, "tar", "-tvf", layers.get(2).asText(), "./deployments/quarkus-run.jar");
        assertThat(verbose).startsWith("-rw-r--r-- 0/0");
    }
}

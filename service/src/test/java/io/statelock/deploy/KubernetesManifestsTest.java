package io.statelock.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/kubernetes validated with real tools: kustomize (as built into kubectl) renders the base and
 * the example overlay, then deploy/checks/check-kubernetes.mjs checks every document against the
 * Kubernetes schema (kubernetes-models), rejects unknown fields (TypeScript excess property checks on
 * kubernetes-models' declarations) and checks what a statelock deployment needs. Without kubectl the
 * base's resource files are checked one by one instead (the overlay cannot be rendered then).
 */
class KubernetesManifestsTest {
    private static final Path K8S = NodeCheck.ROOT.resolve("deploy/kubernetes");
    private static final List<String> BASE_RESOURCES = List.of(
            "serviceaccount.yaml", "deployment.yaml", "service.yaml", "poddisruptionbudget.yaml", "networkpolicy.yaml");

    static boolean hasKubectl() {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "kubectl")));
    }

    static String kustomize(Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kubectl kustomize %s:\n%s", dir, out).isZero();
        return out;
    }

    @Test
    void baseAndExampleOverlayRenderAndValidate(@TempDir Path tmp) throws Exception {
        assumeThat(hasKubectl()).as("kubectl (with kustomize) on PATH").isTrue();
        Path base = tmp.resolve("base.yaml");
        Path example = tmp.resolve("overlays-example.yaml");
        Files.writeString(base, kustomize(K8S.resolve("base")));
        Files.writeString(example, kustomize(K8S.resolve("overlays/example")));
        // Each file is checked as one set: 6 documents in the base, 7 with the overlay's Namespace.
        NodeCheck.Result result = NodeCheck.run("check-kubernetes.mjs", base.toString(), example.toString());
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.output()).contains("13 documents valid");
        String overlay = Files.readString(tmp.resolve("overlays-example.yaml"));
        assertThat(overlay)
                .contains("namespace: statelock")
                .contains("image: registry.example.com/platform/statelock:0.1.0")
                .contains("eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/statelock-prod")
                .contains("value: statelock-prod-locks")
                .containsPattern("name: statelock-policy-[a-z0-9]{10}");
    }

    @Test
    void baseResourcesValidateOneByOne() throws Exception {
        String[] files = BASE_RESOURCES.stream()
                .map(f -> K8S.resolve("base").resolve(f).toString())
                .toArray(String[]::new);
        String[] args = Stream.concat(Stream.of("--partial"), Stream.of(files)).toArray(String[]::new);
        NodeCheck.Result result = NodeCheck.run("check-kubernetes.mjs", args);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.output()).contains("5 documents valid");
    }

    @Test
    void policyFilesLoadWithTheServicesOwnParser() {
        for (Path policy : List.of(K8S.resolve("base/policy.yaml"), K8S.resolve("overlays/example/policy.yaml"))) {
            assertThat(io.statelock.adapter.policy.PolicyFile.load(policy))
                    .as(policy.toString())
                    .isNotNull();
        }
    }

    @Test
    void brokenManifestsFail(@TempDir Path tmp) throws Exception {
        String deployment = Files.readString(K8S.resolve("base/deployment.yaml"));
        String broken = deployment
                .replace("readOnlyRootFilesystem: true", "readOnlyRootFileSystem: true") // unknown field (typo)
                .replace("replicas: 3", "replicas: \"3\"") // wrong type
                .replace("runAsNonRoot: true\n        runAsUser: 10001", "runAsNonRoot: false\n        runAsUser: 0")
                .replace("path: /q/health/ready", "path: /q/health")
                .replace("terminationGracePeriodSeconds: 40", "terminationGracePeriodSeconds: 20")
                .replace("value: jwt", "value: none");
        assertThat(broken).isNotEqualTo(deployment);
        Path file = tmp.resolve("deployment.yaml");
        Files.writeString(file, broken);
        NodeCheck.Result result = NodeCheck.run("check-kubernetes.mjs", "--partial", file.toString());
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.output())
                .contains("'\"readOnlyRootFileSystem\"' does not exist in type 'ISecurityContext'")
                .contains("schema: data/spec/replicas must be integer")
                .contains("runAsNonRoot must be true")
                .contains("readinessProbe must GET /q/health/ready")
                .contains("terminationGracePeriodSeconds (20) must exceed preStop (5) + quarkus.shutdown.timeout (20)")
                .contains("env STATELOCK_AUTH_MODE must be jwt");
    }

    @Test
    void aMissingServiceAccountAnnotationOrPdbFailsTheRenderedSet(@TempDir Path tmp) throws Exception {
        assumeThat(hasKubectl()).as("kubectl (with kustomize) on PATH").isTrue();
        Path base = NodeCheck.copyTree(K8S.resolve("base"), tmp.resolve("base"));
        NodeCheck.replaceIn(base.resolve("kustomization.yaml"), "  - poddisruptionbudget.yaml\n", "");
        NodeCheck.replaceIn(base.resolve("serviceaccount.yaml"), "eks.amazonaws.com/role-arn", "example.com/role-arn");
        Path rendered = tmp.resolve("rendered.yaml");
        Files.writeString(rendered, kustomize(base));
        NodeCheck.Result result = NodeCheck.run("check-kubernetes.mjs", rendered.toString());
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.output()).contains("a PodDisruptionBudget is missing").contains("needs an IRSA annotation");
    }
    /**
     * The kubelet evicts a pod whose emptyDir outgrows its sizeLimit, and the free-space margin reads the node's
     * disk, which does not show that limit: the spool volume must hold a few states of the largest size at once.
     */
    @Test
    void theSpoolVolumeHoldsFourStatesOfTheLargestSize() throws Exception {
        var yaml = new ObjectMapper(new YAMLFactory());
        var pod = yaml.readTree(K8S.resolve("base/deployment.yaml").toFile()).at("/spec/template/spec");
        Map<String, String> env = new HashMap<>();
        pod.at("/containers/0/env")
                .forEach(e -> env.put(e.get("name").asText(), e.get("value").asText()));
        String spoolDir = env.get("STATELOCK_STATE_SPOOL_DIR");
        assertThat(spoolDir).as("the deployment names its spool directory").isNotNull();

        String volume = null;
        for (var mount : pod.at("/containers/0/volumeMounts")) {
            if (mount.get("mountPath").asText().equals(spoolDir))
                volume = mount.get("name").asText();
        }
        assertThat(volume).as("a volume is mounted at " + spoolDir).isNotNull();
        String sizeLimit = null;
        for (var v : pod.at("/volumes")) {
            if (v.get("name").asText().equals(volume))
                sizeLimit = v.at("/emptyDir/sizeLimit").asText();
        }
        assertThat(sizeLimit).as("the spool volume has a sizeLimit").isNotEmpty();
        assertThat(bytes(sizeLimit)).isGreaterThanOrEqualTo(4 * bytes(env.get("STATELOCK_STATE_MAX_SIZE")));
    }

    /** {@code 512M} (statelock's sizes) or {@code 4Gi} (Kubernetes quantities), in bytes. */
    private static long bytes(String size) {
        Matcher m = Pattern.compile("(\\d+)([KMG])i?").matcher(size);
        assertThat(m.matches()).as(size).isTrue();
        long n = Long.parseLong(m.group(1));
        return n
                << switch (m.group(2)) {
                    case "K" -> 10;
                    case "M" -> 20;
                    default -> 30;
                };
    }
}

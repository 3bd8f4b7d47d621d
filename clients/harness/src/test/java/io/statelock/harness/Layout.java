package io.statelock.harness;

import io.statelock.testing.Dynalite;
import io.statelock.testing.RepoRoot;
import io.statelock.testing.S3Proxy;
import io.statelock.testing.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the harness finds what the build produced, as the test kit locates it: the harness's build of the service
 * ({@code service/target/harness-app}: the production build leaves out its deliberately broken fence check), the
 * s3proxy jar (this module's {@code target/s3proxy}) and dynalite ({@code deploy/local});
 * {@code -Dstatelock.harness.jar} and {@code -Dstatelock.s3proxy.jar} override.
 */
record Layout(Path root, Path serviceJar, Path s3proxyJar, Path dynaliteCli) {

    static Layout find() {
        Path root = RepoRoot.find();
        return new Layout(root, ServiceProcess.harnessJar(), S3Proxy.jar(), Dynalite.cli(root));
    }

    /** Why the harness cannot run, or null: everything is built. */
    String missing() {
        if (!Files.isRegularFile(serviceJar) || !Files.isRegularFile(s3proxyJar) || !Files.isRegularFile(dynaliteCli)) {
            return "build the service first: ./mvnw -B package -DskipTests at " + root + " packages " + serviceJar
                    + "; clients/bin/harness then installs " + dynaliteCli + " and copies " + s3proxyJar
                    + " (as does this module's build when its tests run)";
        }
        return null;
    }

    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }
}

package io.statelock.harness;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the harness finds what the service build produced: the packaged service, the s3proxy jar and
 * dynalite, all under the repository root (found by walking up from the working directory).
 */
record Layout(Path root, Path serviceJar, Path s3proxyJar, Path dynaliteCli) {

  static Layout find() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("proto/statelock")) && Files.isRegularFile(d.resolve("pom.xml"))) {
        return new Layout(d, property("statelock.service.jar", d.resolve("target/quarkus-app/quarkus-run.jar")),
            property("statelock.s3proxy.jar", d.resolve("target/s3proxy/s3proxy.jar")),
            d.resolve("deploy/local/node_modules/dynalite/cli.js"));
      }
    }
    throw new IllegalStateException("not inside the statelock repository: " + dir);
  }

  private static Path property(String name, Path fallback) {
    String v = System.getProperty(name);
    return (v == null || v.isBlank() ? fallback : Path.of(v)).toAbsolutePath().normalize();
  }

  /** Why the harness cannot run, or null: everything is built. */
  String missing() {
    if (!Files.isRegularFile(serviceJar) || !Files.isRegularFile(s3proxyJar) || !Files.isRegularFile(dynaliteCli)) {
      return "build the service first: ./mvnw -B package -DskipTests at " + root + " packages " + serviceJar
          + "; clients/bin/harness then installs " + dynaliteCli + " and copies " + s3proxyJar
          + " (as does the root build when its tests run: ./mvnw -B process-test-resources)";
    }
    return null;
  }

  static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }
}

package io.statelock.cli;

import io.statelock.client.StatelockClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where the service is and how to talk to it; a mixin shared by every command. */
final class Connection {
  @Option(names = "--addr", paramLabel = "HOST:PORT",
      defaultValue = "${env:STATELOCK_ADDR:-localhost:8080}",
      description = "Service address (env STATELOCK_ADDR; default: ${DEFAULT-VALUE}).")
  String addr;

  @Option(names = "--plaintext",
      description = "Plaintext HTTP/2, no TLS (env STATELOCK_PLAINTEXT=true). Default: plaintext for "
          + "loopback addresses without a CA file, TLS otherwise.")
  boolean plaintext;

  @Option(names = "--tls", description = "Force TLS even for a loopback address.")
  boolean tls;

  @Option(names = "--ca-file", paramLabel = "PEM", defaultValue = "${env:STATELOCK_CA_FILE}",
      description = "CA certificate(s) to trust for TLS (env STATELOCK_CA_FILE).")
  Path caFile;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", converter = Durations.class,
      description = "Deadline of each call to the service (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--retry-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = Durations.class,
      description = "How long to retry an unreachable service before giving up with exit 69 "
          + "(default: ${DEFAULT-VALUE}).")
  Duration retryTimeout;

  /** The address the last client was built for (for error messages). */
  static volatile String lastTarget;

  StatelockClient connect() {
    if (plaintext && (tls || caFile != null && !isBlank(caFile.toString()))) {
      throw new UsageException("--plaintext cannot be combined with --tls or a CA file");
    }
    String target = addr.strip();
    // Accept http://host:port (plaintext) and https://host:port (TLS) as well as host:port.
    if (target.startsWith("http://")) {
      target = stripPath(target.substring("http://".length()));
      if (!tls && (caFile == null || isBlank(caFile.toString()))) {
        plaintext = true;
      }
    } else if (target.startsWith("https://")) {
      target = stripPath(target.substring("https://".length()));
      if (!plaintext) {
        tls = true;
      }
    }
    if (target.isEmpty()) {
      throw new UsageException("empty service address (--addr or STATELOCK_ADDR)");
    }
    addr = target;
    lastTarget = target;
    StatelockClient.Builder b = StatelockClient.builder()
        .target(target)
        .callTimeout(timeout)
        .retryTimeout(retryTimeout)
        .bearerToken(() -> System.getenv("STATELOCK_TOKEN"));
    boolean envPlain = "true".equalsIgnoreCase(System.getenv("STATELOCK_PLAINTEXT"))
        || "1".equals(System.getenv("STATELOCK_PLAINTEXT"));
    boolean hasCa = caFile != null && !isBlank(caFile.toString());
    if (plaintext || (envPlain && !tls && !hasCa)) {
      b.plaintext();
    } else if (hasCa) {
      if (!Files.isReadable(caFile)) {
        throw new UsageException("CA file " + caFile + " is not readable");
      }
      b.tls(caFile);
    } else if (tls || !isLoopback(addr)) {
      b.tls();
    } else {
      b.plaintext();
    }
    return b.build();
  }

  private static String stripPath(String s) {
    int slash = s.indexOf('/');
    return slash < 0 ? s : s.substring(0, slash);
  }

  static boolean isLoopback(String addr) {
    String host;
    try {
      host = URI.create("//" + addr.strip()).getHost();
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (host == null) {
      return false;
    }
    host = host.toLowerCase(java.util.Locale.ROOT);
    return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}

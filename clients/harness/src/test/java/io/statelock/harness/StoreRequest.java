package io.statelock.harness;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * What an HTTP/1.1 request to a store is, read from its head (a whole request from {@link RequestFramer},
 * or the first bytes of a chunk on a connection it passes on as it comes): a DynamoDB operation
 * ({@code X-Amz-Target}) or an S3 method and path, and whether it writes.
 *
 * @param name  e.g. {@code UpdateItem} or {@code PUT /harness-state/...}
 * @param write true when the store changes something if it acts on the request
 */
record StoreRequest(String name, boolean write) {
  private static final Set<String> DYNAMODB_WRITES = Set.of("UpdateItem", "PutItem", "DeleteItem", "BatchWriteItem");
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "PUT", "POST", "DELETE");
  private static final String TARGET = "x-amz-target: dynamodb_20120810.";

  /** The request starting in this chunk, or null when the chunk does not start one (a body's bytes). */
  static StoreRequest startingIn(byte[] buf, int n) {
    // Headers are ASCII; 4 KiB is more than the SDK's request line and headers.
    String head = new String(buf, 0, Math.min(n, 4096), StandardCharsets.ISO_8859_1);
    int lineEnd = head.indexOf("\r\n");
    int space = head.indexOf(' ');
    // A request line: METHOD SP target SP HTTP/1.1, the method being one the SDK uses.
    if (lineEnd < 0 || space < 0 || space > lineEnd || !head.substring(0, lineEnd).endsWith(" HTTP/1.1")
        || !METHODS.contains(head.substring(0, space))) {
      return null;
    }
    String method = head.substring(0, space);
    int target = head.toLowerCase(Locale.ROOT).indexOf(TARGET);
    if (target >= 0) {
      int from = target + TARGET.length();
      int to = head.indexOf("\r\n", from);
      String op = head.substring(from, to < 0 ? head.length() : to).strip();
      return new StoreRequest(op, DYNAMODB_WRITES.contains(op));
    }
    String path = head.substring(space + 1, head.lastIndexOf(' ', lineEnd));
    int query = path.indexOf('?');
    String shown = method + " " + (query < 0 ? path : path.substring(0, query));
    return new StoreRequest(shown.length() > 80 ? shown.substring(0, 80) : shown, !method.equals("GET")
        && !method.equals("HEAD"));
  }
}

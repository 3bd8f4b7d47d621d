package io.statelock.harness;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The lost-response fault of one store link: how many of the next answers to writes are still to be
 * dropped, and which requests' answers were, over the link's life.
 */
final class LostAnswers {
  private static final byte[] CONTINUE = "HTTP/1.1 100".getBytes(StandardCharsets.US_ASCII);

  /** How many of the next answers to writes to drop; 0 when healed. */
  private final AtomicInteger toLose = new AtomicInteger();
  /** The requests whose answers were dropped, in order. */
  private final List<String> lost = new CopyOnWriteArrayList<>();

  void arm(int n) {
    toLose.set(n);
  }

  void heal() {
    toLose.set(0);
  }

  int stillToLose() {
    return toLose.get();
  }

  int count() {
    return lost.size();
  }

  List<String> since(int from) {
    return List.copyOf(lost.subList(from, lost.size()));
  }

  /**
   * Whether the answer starting with these bytes, to {@code request} (null if unknown), is to be
   * dropped; if so it is counted as lost. An interim {@code 100 Continue} never is: the server waits
   * for the request body then, it has not acted yet.
   */
  boolean drop(StoreRequest request, byte[] buf, int n) {
    boolean interim = n >= CONTINUE.length && Arrays.equals(buf, 0, CONTINUE.length, CONTINUE, 0, CONTINUE.length);
    if (interim || request == null || !request.write()) {
      return false;
    }
    // Decrements the count if it is positive: several connections' answers race for the last one.
    if (toLose.getAndUpdate(c -> c > 0 ? c - 1 : 0) == 0) {
      return false;
    }
    lost.add(request.name());
    return true;
  }
}

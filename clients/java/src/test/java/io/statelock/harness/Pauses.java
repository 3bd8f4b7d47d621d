package io.statelock.harness;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Pause requests from the fault schedule to workers: a worker told to pause sleeps between reading the
 * state and writing it (holding a lease it no longer renews), like a GC pause or a suspended VM.
 */
final class Pauses {
  private final ConcurrentMap<Integer, Long> requested = new ConcurrentHashMap<>();

  void request(int worker, long ms) {
    requested.put(worker, ms);
  }

  /** The pause asked of this worker, once; 0 if none. */
  long take(int worker) {
    Long ms = requested.remove(worker);
    return ms == null ? 0 : ms;
  }
}

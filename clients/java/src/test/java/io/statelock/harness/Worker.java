package io.statelock.harness;

import io.statelock.client.AcquireOptions;
import io.statelock.client.InvalidRequestException;
import io.statelock.client.LeaseGrant;
import io.statelock.client.LeaseLostException;
import io.statelock.client.LockHeldException;
import io.statelock.client.PermissionException;
import io.statelock.client.StateConflictException;
import io.statelock.client.StateNotFoundException;
import io.statelock.client.StateVersion;
import io.statelock.client.StatelockClient;
import io.statelock.client.StatelockException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client worker: acquire a random key (waiting) → read its state → heartbeat → append its own
 * record → write with the lease and fence → release, recording each call in the history. It holds a
 * detached lease for well under its ttl and renews it once, before the write; a pause makes it sleep
 * past the ttl instead of renewing, and then write anyway. After a connection failure it moves to
 * the next replica.
 */
final class Worker implements Runnable {
  private final int index;
  private final String name;
  private final List<StatelockClient> replicas;
  private final List<String> keys;
  private final History history;
  private final Pauses pauses;
  private final AtomicBoolean stop;
  private final Random random;
  /** Broken mode: a paused worker writes through replica 0, the one that skips the fence check. */
  private final boolean pausedWritesToReplica0;
  private int replica;
  private int records;

  Worker(int index, List<StatelockClient> replicas, List<String> keys, History history, Pauses pauses,
      AtomicBoolean stop, long seed, boolean pausedWritesToReplica0) {
    this.index = index;
    this.name = "w" + index;
    this.replicas = replicas;
    this.keys = keys;
    this.history = history;
    this.pauses = pauses;
    this.stop = stop;
    this.random = new Random(seed);
    this.pausedWritesToReplica0 = pausedWritesToReplica0;
    this.replica = index % replicas.size();
  }

  @Override
  public void run() {
    while (!stop.get()) {
      cycle(keys.get(random.nextInt(keys.size())));
    }
  }

  private void cycle(String key) {
    StatelockClient client = replicas.get(replica);
    long t0 = history.nowMs();
    LeaseGrant lease;
    try {
      lease = client.acquireDetached(key, AcquireOptions.builder().ttl(HarnessOptions.TTL)
          .waitTimeout(HarnessOptions.ACQUIRE_WAIT).owner(name).build());
      history.add(name, Op.Type.ACQUIRE, key, t0, Op.Outcome.OK, lease.leaseId(), lease.fencingToken(), "", 0,
          "replica " + replica);
    } catch (LockHeldException e) {
      history.add(name, Op.Type.ACQUIRE, key, t0, Op.Outcome.REFUSED, "", 0, "", 0, "held");
      return;
    } catch (StatelockException e) {
      failed(Op.Type.ACQUIRE, key, t0, e, "", 0);
      return;
    }
    String content;
    t0 = history.nowMs();
    try {
      content = new String(client.getState(key).bytes(), StandardCharsets.UTF_8);
      history.add(name, Op.Type.READ, key, t0, Op.Outcome.OK, lease.leaseId(), lease.fencingToken(), "", 0, "");
    } catch (StateNotFoundException e) {
      content = "";
      history.add(name, Op.Type.READ, key, t0, Op.Outcome.OK, lease.leaseId(), lease.fencingToken(), "", 0, "none");
    } catch (StatelockException e) {
      failed(Op.Type.READ, key, t0, e, lease.leaseId(), lease.fencingToken());
      release(client, key, lease);
      return;
    }
    Pauses.Pause pause = pauses.take(index);
    if (pause == null) {
      if (!heartbeat(client, key, lease)) {
        release(client, key, lease); // lost: a careful client stops writing (a paused one cannot know)
        return;
      }
      write(client, key, lease, content, 0);
    } else {
      sleep(pause.ms()); // no heartbeat meanwhile: the lease runs out and another worker takes the key
      if (pausedWritesToReplica0) {
        client = replicas.get(0);
      }
      try {
        write(client, key, lease, content, pause.ms());
      } finally {
        pause.done().countDown();
      }
    }
    release(client, key, lease);
  }

  /** Renews the lease before writing, as a keep-alive would; false when it is (or may be) lost. */
  private boolean heartbeat(StatelockClient client, String key, LeaseGrant lease) {
    long t0 = history.nowMs();
    try {
      client.heartbeat(key, lease.leaseId(), null);
      history.add(name, Op.Type.HEARTBEAT, key, t0, Op.Outcome.OK, lease.leaseId(), lease.fencingToken(), "", 0, "");
      return true;
    } catch (LeaseLostException e) {
      history.add(name, Op.Type.HEARTBEAT, key, t0, Op.Outcome.REFUSED, lease.leaseId(), lease.fencingToken(), "", 0,
          e.code());
      return false;
    } catch (StatelockException e) {
      failed(Op.Type.HEARTBEAT, key, t0, e, lease.leaseId(), lease.fencingToken());
      return false;
    }
  }

  private void write(StatelockClient client, String key, LeaseGrant lease, String content, long pausedMs) {
    String record = name + "-" + (++records);
    byte[] next = StateRecords.append(content, record, lease.fencingToken()).getBytes(StandardCharsets.UTF_8);
    String note = pausedMs > 0 ? "after a " + pausedMs + " ms pause" : "";
    long t0 = history.nowMs();
    try {
      StateVersion v = client.putState(key, lease.leaseId(), lease.fencingToken(), next);
      history.add(name, Op.Type.WRITE, key, t0, Op.Outcome.OK, lease.leaseId(), lease.fencingToken(), record,
          Long.parseLong(v.version()), note);
    } catch (LeaseLostException | StateConflictException | InvalidRequestException | PermissionException e) {
      // A definite refusal: nothing was stored.
      history.add(name, Op.Type.WRITE, key, t0, Op.Outcome.REFUSED, lease.leaseId(), lease.fencingToken(), record, 0,
          join(note, e.code()));
    } catch (StatelockException e) {
      // The answer was lost: the write may or may not have landed. Never retried; the checker allows it once.
      failed(Op.Type.WRITE, key, t0, e, lease.leaseId(), lease.fencingToken(), record);
    }
  }

  private void release(StatelockClient client, String key, LeaseGrant lease) {
    long t0 = history.nowMs();
    try {
      boolean released = client.release(key, lease.leaseId());
      history.add(name, Op.Type.RELEASE, key, t0, released ? Op.Outcome.OK : Op.Outcome.REFUSED, lease.leaseId(),
          lease.fencingToken(), "", 0, released ? "" : "no longer held");
    } catch (StatelockException e) {
      failed(Op.Type.RELEASE, key, t0, e, lease.leaseId(), lease.fencingToken());
    }
  }

  private void failed(Op.Type type, String key, long t0, StatelockException e, String leaseId, long fence) {
    failed(type, key, t0, e, leaseId, fence, "");
  }

  /** A failure with no definite answer: recorded as UNKNOWN; the worker moves to the next replica and backs off. */
  private void failed(Op.Type type, String key, long t0, StatelockException e, String leaseId, long fence,
      String record) {
    history.add(name, type, key, t0, Op.Outcome.UNKNOWN, leaseId, fence, record, 0, e.code());
    replica = (replica + 1) % replicas.size();
    sleep(100 + random.nextInt(200)); // jittered backoff so 16 workers do not hammer a restarting replica together
  }

  private static String join(String a, String b) {
    return a.isEmpty() ? b : a + ", " + b;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

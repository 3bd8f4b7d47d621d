package io.statelock.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statelock.client.AcquireOptions;
import io.statelock.client.Lease;
import io.statelock.client.LeaseGrant;
import io.statelock.client.LeaseLostException;
import io.statelock.client.StateNotFoundException;
import io.statelock.client.StateSnapshot;
import io.statelock.client.StateVersion;
import io.statelock.client.StatelockClient;
import io.statelock.client.WriteOutcomeUnknownException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The client library's state calls against the real packaged service: fenced writes, reads, and their errors. */
class StateClientIT extends PackagedServiceFixture {
  static String key(String name) {
    return "it/state/" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static AcquireOptions opts() {
    return AcquireOptions.builder().ttl(Duration.ofSeconds(30)).owner("ci@runner-3").build();
  }

  @Test
  void writesUnderTheLeaseAndReadsBackWithTheWritersFence() {
    String key = key("roundtrip");
    byte[] big = new byte[(1 << 20) * 2 + 12345]; // three chunks
    new Random(7).nextBytes(big);
    try (Lease lease = client.acquire(key, opts())) {
      StateVersion first = client.putState(lease, "v1".getBytes(StandardCharsets.UTF_8));
      assertEquals(lease.fencingToken(), first.fencingToken());
      StateVersion second = client.putState(lease, big);
      assertTrue(Long.parseLong(second.version()) > Long.parseLong(first.version()), "versions go up");
      assertEquals(big.length, second.size());
      assertEquals("ci@runner-3", second.writtenBy());
    }
    StateSnapshot read = client.getState(key);
    assertArrayEquals(big, read.bytes());
    assertEquals(big.length, read.version().size());
    assertNotNull(read.version().writtenAt());
  }

  @Test
  void noStateIsNotFound() {
    StateNotFoundException e = assertThrows(StateNotFoundException.class, () -> client.getState(key("none")));
    assertEquals("NOT_FOUND", e.code());
  }

  @Test
  void aStaleFenceIsRefusedAsLeaseLostAndStoresNothing() {
    String key = key("stale");
    LeaseGrant old = client.acquireDetached(key, opts());
    client.putState(key, old.leaseId(), old.fencingToken(), "old".getBytes(StandardCharsets.UTF_8));
    client.forceRelease(key, "test: the old holder paused past its lease", 0);
    LeaseGrant current = client.acquireDetached(key, opts());
    assertTrue(current.fencingToken() > old.fencingToken());
    client.putState(key, current.leaseId(), current.fencingToken(), "new".getBytes(StandardCharsets.UTF_8));

    LeaseLostException lost = assertThrows(LeaseLostException.class, () ->
        client.putState(key, old.leaseId(), old.fencingToken(), "stale".getBytes(StandardCharsets.UTF_8)));
    assertEquals("FAILED_PRECONDITION", lost.code());
    assertNotNull(lost.current(), "the service names the current holder");
    assertEquals(current.fencingToken(), lost.current().fencingToken());
    // The current lease id with an old fence is refused too.
    assertThrows(LeaseLostException.class, () ->
        client.putState(key, current.leaseId(), old.fencingToken(), "mixed".getBytes(StandardCharsets.UTF_8)));
    assertEquals("new", new String(client.getState(key).bytes(), StandardCharsets.UTF_8));
    client.release(key, current.leaseId());
  }

  @Test
  void aWriteThatCannotBeAnsweredIsAnUnknownOutcomeNotARetry() throws Exception {
    try (StatelockService own = StatelockService.start(); StatelockClient c = own.client()) {
      String key = key("unknown");
      LeaseGrant grant = c.acquireDetached(key, opts());
      own.kill();
      WriteOutcomeUnknownException e = assertThrows(WriteOutcomeUnknownException.class, () ->
          c.putState(key, grant.leaseId(), grant.fencingToken(), "x".getBytes(StandardCharsets.UTF_8)));
      assertNotEquals("FAILED_PRECONDITION", e.code());
    }
  }
}

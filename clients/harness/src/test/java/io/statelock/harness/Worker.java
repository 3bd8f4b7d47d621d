package io.statelock.harness;

import io.statelock.client.AcquireOptions;
import io.statelock.client.InvalidRequestException;
import io.statelock.client.Lease;
import io.statelock.client.LeaseGrant;
import io.statelock.client.LeaseLostException;
import io.statelock.client.LeaseRef;
import io.statelock.client.LockHeldException;
import io.statelock.client.PermissionException;
import io.statelock.client.StateConflictException;
import io.statelock.client.StateNotFoundException;
import io.statelock.client.StateStream;
import io.statelock.client.StateVersion;
import io.statelock.client.StatelockClient;
import io.statelock.client.StatelockException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client worker, using the library as an application does: one {@link AcquireOptions} object shared
 * by its whole group (the same owner, one constant, reused for every acquire by every worker of the
 * group), and each lease held in try-with-resources. A cycle: acquire a random key (waiting) → read its
 * state → heartbeat (a service-answered "still mine?") → ask the lease whether it is still valid by the
 * client's own clock → append its own record → write with the lease and fence → release, each call
 * recorded in the history. A paused cycle (the fault schedule's client pause) instead models a process
 * frozen past its ttl, whose renewals stop with it: a detached lease, not renewed, written with after
 * the pause anyway. While a client-cancel window is open ({@link Cancels}), a cycle instead cancels one of its
 * own calls: an upload before its commit (then writes as usual), a download part-way, or a waiting acquire.
 * After a connection failure the worker moves to the next replica.
 */
final class Worker implements Runnable {
    private final int index;
    private final String name;
    private final List<StatelockClient> replicas;
    private final List<String> keys;
    private final AcquireOptions options;
    private final History history;
    private final Pauses pauses;
    private final Cancels cancels;
    private final AtomicBoolean stop;
    private final Random random;
    /** Broken mode: a paused worker writes through replica 0, the one that skips the fence check. */
    private final boolean pausedWritesToReplica0;

    private int replica;
    private int records;

    /** @param options its group's options, shared with the group's other workers */
    Worker(
            int index,
            List<StatelockClient> replicas,
            List<String> keys,
            AcquireOptions options,
            History history,
            Pauses pauses,
            Cancels cancels,
            AtomicBoolean stop,
            long seed,
            boolean pausedWritesToReplica0) {
        this.index = index;
        this.name = "w" + index;
        this.replicas = replicas;
        this.keys = keys;
        this.options = options;
        this.history = history;
        this.pauses = pauses;
        this.cancels = cancels;
        this.stop = stop;
        this.random = new Random(seed);
        this.pausedWritesToReplica0 = pausedWritesToReplica0;
        this.replica = index % replicas.size();
    }

    /** The options a group of workers shares: one owner, one object, for every acquire they make. */
    static AcquireOptions groupOptions(int group) {
        return AcquireOptions.builder()
                .ttl(HarnessOptions.TTL)
                .waitTimeout(HarnessOptions.ACQUIRE_WAIT)
                .owner("group-" + group)
                .operation("harness")
                .build();
    }

    @Override
    public void run() {
        while (!stop.get()) {
            String key = keys.get(random.nextInt(keys.size()));
            Pauses.Pause pause = pauses.take(index);
            if (pause == null && cancels.open()) {
                cancelCycle(key);
            } else if (pause == null) {
                cycle(key, false);
            } else {
                try {
                    pausedCycle(key, pause.ms());
                } finally {
                    pause.done().countDown();
                }
            }
        }
    }

    /** @param cancelAnUploadFirst cancel an upload of the next state before the write that counts */
    private void cycle(String key, boolean cancelAnUploadFirst) {
        StatelockClient client = replicas.get(replica);
        try (Lease lease = acquire(client, key)) {
            if (lease == null) {
                return; // refused or failed, recorded
            }
            String content = read(client, key, lease.leaseId(), lease.fencingToken());
            if (content != null && heartbeat(client, key, lease.leaseId(), lease.fencingToken()) && valid(key, lease)) {
                if (cancelAnUploadFirst) {
                    cancelledUpload(client, key, lease, content);
                }
                write(client, key, lease.leaseId(), lease.fencingToken(), content, 0);
            }
            end(key, lease); // recorded; the try's own close is then a no-op (a lease closes once)
        }
    }

    /** One cycle with a call of its own cancelled at a random point. */
    private void cancelCycle(String key) {
        switch (random.nextInt(3)) {
            case 0 -> cancelledAcquire(replicas.get(replica), key);
            case 1 -> cancelledDownload(replicas.get(replica), key);
            default -> cycle(key, true);
        }
    }

    /**
     * An upload that stops before its commit, as a job killed mid-upload does: its input fails after a random
     * number of whole chunks (none, one, two, or all of them). The client must say nothing was stored, and its record
     * must never appear in any state (check 6). Padded with blank lines (which the record format skips) to up to
     * 2.5 MiB, so some cancels come after the service has spooled a chunk or two.
     */
    private void cancelledUpload(StatelockClient client, String key, Lease lease, String content) {
        String record = name + "-c" + (++records);
        String text = StateRecords.append(content, record, lease.fencingToken());
        byte[] body = (text + "\n".repeat(random.nextInt(3) == 0 ? 0 : random.nextInt(2_500_000)))
                .getBytes(StandardCharsets.UTF_8);
        int chunk = 1 << 20; // the client's chunk: its input is read a chunk at a time
        int stopAt = Math.min(body.length, chunk * random.nextInt(body.length / chunk + 2));
        long t0 = history.nowMs();
        try {
            StateVersion v = client.state()
                    .put(LeaseRef.of(key, lease.leaseId(), lease.fencingToken()), new FailingInput(body, stopAt));
            history.add(
                    name,
                    Op.Type.UPLOAD_CANCEL,
                    key,
                    t0,
                    Op.Outcome.OK,
                    lease.leaseId(),
                    lease.fencingToken(),
                    record,
                    Long.parseLong(v.version()),
                    "stored although its input failed");
        } catch (StatelockException e) {
            boolean cancelled = "CLIENT".equals(e.code());
            if (cancelled) {
                cancels.made();
            }
            history.add(
                    name,
                    Op.Type.UPLOAD_CANCEL,
                    key,
                    t0,
                    cancelled ? Op.Outcome.CANCELLED : Op.Outcome.UNKNOWN,
                    lease.leaseId(),
                    lease.fencingToken(),
                    record,
                    0,
                    "after " + stopAt + " of " + body.length + " bytes"
                            + (cancelled ? "" : ": " + e.code() + ": " + brief(e)));
        }
    }

    /** A download closed part-way (closing a state stream before its end cancels the call). */
    private void cancelledDownload(StatelockClient client, String key) {
        long t0 = history.nowMs();
        try (StateStream in = client.state().get(key)) {
            long size = in.version().size();
            int read = in.readNBytes(random.nextInt((int) Math.min(size, 1 << 20) + 1)).length;
            cancels.made();
            history.add(
                    name,
                    Op.Type.DOWNLOAD_CANCEL,
                    key,
                    t0,
                    Op.Outcome.CANCELLED,
                    "",
                    0,
                    "",
                    0,
                    "after " + read + " of " + size + " bytes");
        } catch (StateNotFoundException e) {
            history.add(name, Op.Type.DOWNLOAD_CANCEL, key, t0, Op.Outcome.OK, "", 0, "", 0, "no state");
        } catch (StatelockException e) {
            failed(Op.Type.DOWNLOAD_CANCEL, key, t0, e, "", 0);
        } catch (java.io.IOException e) {
            failed(Op.Type.DOWNLOAD_CANCEL, key, t0, new StatelockException("CLIENT", e.getMessage(), e), "", 0);
        }
    }

    /**
     * An acquire (waiting, when the key is held) cancelled after 0-300 ms. One answered before its cancel is an
     * ordinary acquire: recorded as such and released.
     */
    private void cancelledAcquire(StatelockClient client, String key) {
        long t0 = history.nowMs();
        CompletableFuture<Lease> waiting = client.locks().acquireAsync(key, options);
        sleep(random.nextInt(300));
        if (waiting.cancel(true)) {
            cancels.made();
            history.add(
                    name, Op.Type.ACQUIRE_CANCEL, key, t0, Op.Outcome.CANCELLED, "", 0, "", 0, "replica " + replica);
            return;
        }
        try {
            Lease lease = waiting.join();
            history.add(
                    name,
                    Op.Type.ACQUIRE,
                    key,
                    t0,
                    Op.Outcome.OK,
                    lease.leaseId(),
                    lease.fencingToken(),
                    "",
                    0,
                    "replica " + replica + ", granted before its cancel");
            end(key, lease);
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof LockHeldException) {
                history.add(name, Op.Type.ACQUIRE, key, t0, Op.Outcome.REFUSED, "", 0, "", 0, "held");
            } else if (e.getCause() instanceof StatelockException s) {
                failed(Op.Type.ACQUIRE, key, t0, s, "", 0);
            } else {
                throw e;
            }
        }
    }

    /** Its bytes up to {@code stopAt}, then an IOException: a job's input that fails mid-upload. */
    private static final class FailingInput extends java.io.InputStream {
        private final byte[] body;
        private final int stopAt;
        private int at;

        FailingInput(byte[] body, int stopAt) {
            this.body = body;
            this.stopAt = stopAt;
        }

        @Override
        public int read() throws java.io.IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            if (at >= stopAt) {
                throw new java.io.IOException("the job was cancelled");
            }
            int n = Math.min(len, stopAt - at);
            System.arraycopy(body, at, b, off, n);
            at += n;
            return n;
        }
    }

    /** The lease, or null when the key was held or the call failed (both recorded). */
    private Lease acquire(StatelockClient client, String key) {
        long t0 = history.nowMs();
        try {
            Lease lease = client.locks().acquire(key, options);
            history.add(
                    name,
                    Op.Type.ACQUIRE,
                    key,
                    t0,
                    Op.Outcome.OK,
                    lease.leaseId(),
                    lease.fencingToken(),
                    "",
                    0,
                    "replica " + replica);
            return lease;
        } catch (LockHeldException e) {
            history.add(name, Op.Type.ACQUIRE, key, t0, Op.Outcome.REFUSED, "", 0, "", 0, "held");
        } catch (StatelockException e) {
            failed(Op.Type.ACQUIRE, key, t0, e, "", 0);
        }
        return null;
    }

    /** The key's state ("" if none), or null when the read failed (recorded). */
    private String read(StatelockClient client, String key, String leaseId, long fence) {
        long t0 = history.nowMs();
        try {
            String content = new String(client.state().getBytes(key).bytes(), StandardCharsets.UTF_8);
            history.add(name, Op.Type.READ, key, t0, Op.Outcome.OK, leaseId, fence, "", 0, "");
            return content;
        } catch (StateNotFoundException e) {
            history.add(name, Op.Type.READ, key, t0, Op.Outcome.OK, leaseId, fence, "", 0, "none");
            return "";
        } catch (StatelockException e) {
            failed(Op.Type.READ, key, t0, e, leaseId, fence);
            return null;
        }
    }

    /** Whether the lease says it is valid by the client's own clock: a careful client writes only then. */
    private boolean valid(String key, Lease lease) {
        long t0 = history.nowMs();
        boolean valid = lease.isValid();
        history.add(
                name,
                Op.Type.LEASE_VALID,
                key,
                t0,
                valid ? Op.Outcome.OK : Op.Outcome.REFUSED,
                lease.leaseId(),
                lease.fencingToken(),
                "",
                0,
                valid ? "" : "lost by the client's clock");
        return valid;
    }

    /** Closes the lease (release), recorded. */
    private void end(String key, Lease lease) {
        long t0 = history.nowMs();
        try {
            lease.close();
            history.add(
                    name, Op.Type.RELEASE, key, t0, Op.Outcome.OK, lease.leaseId(), lease.fencingToken(), "", 0, "");
        } catch (StatelockException e) {
            failed(Op.Type.RELEASE, key, t0, e, lease.leaseId(), lease.fencingToken());
        }
    }

    /**
     * A process frozen past its ttl between reading and writing (a GC pause, a suspended VM): its lease is
     * not renewed meanwhile (a detached one, as nothing in a frozen process renews), and it writes anyway.
     */
    private void pausedCycle(String key, long pauseMs) {
        StatelockClient client = replicas.get(replica);
        long t0 = history.nowMs();
        LeaseGrant lease;
        try {
            lease = client.locks().acquireDetached(key, options);
            history.add(
                    name,
                    Op.Type.ACQUIRE,
                    key,
                    t0,
                    Op.Outcome.OK,
                    lease.leaseId(),
                    lease.fencingToken(),
                    "",
                    0,
                    "replica " + replica + ", to pause");
        } catch (LockHeldException e) {
            history.add(name, Op.Type.ACQUIRE, key, t0, Op.Outcome.REFUSED, "", 0, "", 0, "held");
            return;
        } catch (StatelockException e) {
            failed(Op.Type.ACQUIRE, key, t0, e, "", 0);
            return;
        }
        String content = read(client, key, lease.leaseId(), lease.fencingToken());
        if (content != null) {
            sleep(pauseMs); // no heartbeat meanwhile: the lease runs out and another worker takes the key
            if (pausedWritesToReplica0) {
                client = replicas.get(0);
            }
            write(client, key, lease.leaseId(), lease.fencingToken(), content, pauseMs);
        }
        release(client, key, lease);
    }

    /** Renews the lease before writing (answered by the service); false when it is (or may be) lost. */
    private boolean heartbeat(StatelockClient client, String key, String leaseId, long fence) {
        long t0 = history.nowMs();
        try {
            client.locks().heartbeat(key, leaseId, null);
            history.add(name, Op.Type.HEARTBEAT, key, t0, Op.Outcome.OK, leaseId, fence, "", 0, "");
            return true;
        } catch (LeaseLostException e) {
            history.add(name, Op.Type.HEARTBEAT, key, t0, Op.Outcome.REFUSED, leaseId, fence, "", 0, e.code());
            return false;
        } catch (StatelockException e) {
            failed(Op.Type.HEARTBEAT, key, t0, e, leaseId, fence);
            return false;
        }
    }

    private void write(StatelockClient client, String key, String leaseId, long fence, String content, long pausedMs) {
        String record = name + "-" + (++records);
        byte[] next = StateRecords.append(content, record, fence).getBytes(StandardCharsets.UTF_8);
        String note = pausedMs > 0 ? "after a " + pausedMs + " ms pause" : "";
        long t0 = history.nowMs();
        try {
            StateVersion v = client.state().put(LeaseRef.of(key, leaseId, fence), next);
            history.add(
                    name,
                    Op.Type.WRITE,
                    key,
                    t0,
                    Op.Outcome.OK,
                    leaseId,
                    fence,
                    record,
                    Long.parseLong(v.version()),
                    note);
        } catch (LeaseLostException | StateConflictException | InvalidRequestException | PermissionException e) {
            // A definite refusal: nothing was stored.
            history.add(
                    name, Op.Type.WRITE, key, t0, Op.Outcome.REFUSED, leaseId, fence, record, 0, join(note, e.code()));
        } catch (StatelockException e) {
            // The answer was lost: the write may or may not have landed. Never retried; the checker allows it once.
            failed(Op.Type.WRITE, key, t0, e, leaseId, fence, record);
        }
    }

    private void release(StatelockClient client, String key, LeaseGrant lease) {
        long t0 = history.nowMs();
        try {
            boolean released = client.locks().release(key, lease.leaseId());
            history.add(
                    name,
                    Op.Type.RELEASE,
                    key,
                    t0,
                    released ? Op.Outcome.OK : Op.Outcome.REFUSED,
                    lease.leaseId(),
                    lease.fencingToken(),
                    "",
                    0,
                    released ? "" : "no longer held");
        } catch (StatelockException e) {
            failed(Op.Type.RELEASE, key, t0, e, lease.leaseId(), lease.fencingToken());
        }
    }

    private void failed(Op.Type type, String key, long t0, StatelockException e, String leaseId, long fence) {
        failed(type, key, t0, e, leaseId, fence, "");
    }

    /** A failure with no definite answer: recorded as UNKNOWN; the worker moves to the next replica and backs off. */
    private void failed(
            Op.Type type, String key, long t0, StatelockException e, String leaseId, long fence, String record) {
        history.add(name, type, key, t0, Op.Outcome.UNKNOWN, leaseId, fence, record, 0, e.code() + ": " + brief(e));
        replica = (replica + 1) % replicas.size();
        sleep(100 + random.nextInt(200)); // jittered backoff so 16 workers do not hammer a restarting replica together
    }

    /** The error's message on one line, short enough for a history line (the code says what kind). */
    private static String brief(StatelockException e) {
        String m = String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
        return m.length() > 160 ? m.substring(0, 160) + "…" : m;
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

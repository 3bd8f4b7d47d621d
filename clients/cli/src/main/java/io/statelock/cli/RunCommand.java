package io.statelock.cli;

import io.statelock.client.AcquireOptions;
import io.statelock.client.Lease;
import io.statelock.client.LeaseLostException;
import io.statelock.client.StatelockClient;
import io.statelock.client.StatelockException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run a command while holding the lock; exit with the command's exit code.",
            "",
            "Acquires KEY, runs CMD while keeping the lease alive, releases it when CMD exits, and",
            "exits with CMD's exit code. CMD gets STATELOCK_KEY, STATELOCK_LEASE_ID and",
            "STATELOCK_FENCING_TOKEN in its environment and runs in its own process group (setsid).",
            "If the lease is lost (broken, or not renewed in time, e.g. the service is unreachable),",
            "CMD's whole process group gets SIGTERM, then SIGKILL after --kill-grace, and run exits 76.",
            "SIGINT/SIGTERM/SIGHUP sent to statelock are forwarded to CMD's group; the lock is",
            "released after CMD ends.",
            "Example: statelock run --key prod/network --wait 10m --operation apply -- terraform apply tfplan"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "N:the command's own exit code",
            "64:usage error",
            "69:service unreachable (before the command started)",
            "70:any other error",
            "75:lock not acquired within --wait",
            "76:lease lost: the command was stopped",
            "77:unauthenticated or permission denied"
        })
final class RunCommand implements java.util.concurrent.Callable<Integer> {
    @Mixin
    AcquireOptionsMixin lock;

    @Mixin
    Connection connection;

    @Option(
            names = "--kill-grace",
            paramLabel = "DURATION",
            defaultValue = "10s",
            converter = Durations.class,
            description = "After lease loss, time between SIGTERM and SIGKILL (default: ${DEFAULT-VALUE}).")
    Duration killGrace;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "Command and arguments (after --).")
    List<String> command = new ArrayList<>();

    /** Set once by the loss callback; read by the main thread after the child exits. */
    private final AtomicReference<LeaseLostException> lost = new AtomicReference<>();
    /** Counted down when the loss handler has finished stopping the child's group. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** The child, once started; the signal handlers forward to it. */
    private volatile ChildProcess child;
    /** The first signal received before the child started (0 = none). */
    private volatile int earlySignal;
    /** True until the acquire returns: only then may a signal interrupt the main thread. */
    private volatile boolean acquiring = true;

    @Override
    public Integer call() throws Exception {
        AcquireOptions options = lock.toOptions();
        if (command.isEmpty()) {
            throw new UsageException("missing command to run (statelock run --key K -- CMD ARGS...)");
        }
        String setsid = ChildProcess.findSetsid();
        if (setsid == null) {
            throw new UsageException("setsid (util-linux) not found on PATH; `run` needs it to stop the whole "
                    + "process tree of the command");
        }
        Thread main = Thread.currentThread();
        Signals.install(sig -> onSignal(sig, main));

        try (StatelockClient client = connection.connect()) {
            Lease lease;
            try (WaitProgress p = lock.wait.isZero()
                    ? null
                    : WaitProgress.start(client, lock.key, lock.wait, lock.progressInterval, System.err)) {
                lease = client.locks().acquire(lock.key, options);
                acquiring = false;
            } catch (StatelockException e) {
                if (earlySignal != 0) {
                    System.err.println("statelock: interrupted while acquiring " + lock.key);
                    return 128 + earlySignal;
                }
                throw e;
            }
            Thread.interrupted(); // a signal that raced the grant is handled below
            try {
                if (earlySignal != 0) {
                    System.err.println("statelock: interrupted before starting the command; releasing " + lock.key);
                    return 128 + earlySignal;
                }
                System.err.println("statelock: acquired " + lock.key + " (fencing token " + lease.fencingToken()
                        + ", ttl " + Durations.format(lease.ttl()) + ")");
                return runChild(lease, setsid);
            } finally {
                closeQuietly(lease);
            }
        }
    }

    private int runChild(Lease lease, String setsid) throws InterruptedException {
        // Terraform on statelock's http backend for the same key joins this lease (basic auth
        // statelock-lease:<lease id>[:<token>]) instead of getting 423 from its own wrapper; its writes are
        // fenced by it. With authentication on, the service wants both factors: the lease id and a token of
        // the lease's subject (this one; it may expire during the run, having been valid at the acquire).
        String backend = connection.httpBase() + "/terraform/" + lease.key();
        String token = connection.currentToken();
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "STATELOCK_KEY",
                lease.key(),
                "STATELOCK_LEASE_ID",
                lease.leaseId(),
                "STATELOCK_FENCING_TOKEN",
                Long.toString(lease.fencingToken()),
                "TF_HTTP_ADDRESS",
                backend,
                "TF_HTTP_LOCK_ADDRESS",
                backend,
                "TF_HTTP_UNLOCK_ADDRESS",
                backend,
                "TF_HTTP_LOCK_METHOD",
                "LOCK",
                "TF_HTTP_UNLOCK_METHOD",
                "UNLOCK",
                "TF_HTTP_USERNAME",
                "statelock-lease",
                "TF_HTTP_PASSWORD",
                token == null ? lease.leaseId() : lease.leaseId() + ":" + token));
        env.putAll(TerraformS3Child.environment(lease.terraformLockId(), System.getenv()));
        if (!lease.terraformLockId().isEmpty()) {
            System.err.println("statelock: holding Terraform's own lock of " + lease.key() + " for this run (lock ID "
                    + lease.terraformLockId() + "); terraform runs with -lock=false under it");
        }
        ChildProcess c;
        try {
            c = ChildProcess.start(setsid, command, env, killGrace);
        } catch (IOException e) {
            throw new UsageException("cannot start " + command.get(0) + ": " + e.getMessage());
        }
        child = c;
        if (earlySignal != 0) {
            c.signalGroup(Signals.name(earlySignal)); // a signal that arrived while the child was starting
        }
        lease.onLost(e -> {
            if (lost.compareAndSet(null, e)) {
                System.err.println("statelock: " + Main.message(e) + "; stopping " + command.get(0) + " (pid " + c.pid()
                        + ", SIGTERM then SIGKILL after " + Durations.format(killGrace) + ")");
                try {
                    c.terminate(killGrace);
                } catch (InterruptedException ie) {
                    c.signalGroup("KILL");
                } finally {
                    stopped.countDown();
                }
            }
        });
        int code;
        while (true) {
            try {
                code = c.waitFor();
                break;
            } catch (InterruptedException e) {
                // Signals interrupt the main thread only before the child starts; keep waiting.
            }
        }
        try {
            if (lost.get() != null) {
                stopped.await(); // the group is gone (SIGKILL sent if needed) before we report
                System.err.println("statelock: lease on " + lease.key() + " was lost; " + command.get(0)
                        + " was stopped (exit " + code + ")");
                return ExitCodes.LEASE_LOST;
            }
            return code;
        } finally {
            c.dismissGuard();
        }
    }

    private void onSignal(int signal, Thread main) {
        ChildProcess c = child;
        if (c != null) {
            c.signalGroup(Signals.name(signal));
            return;
        }
        if (earlySignal == 0) {
            earlySignal = signal;
        }
        // Aborts a waiting acquire. After the grant the main thread checks earlySignal itself: an
        // interrupt then could only abort the release that follows the child.
        if (acquiring) {
            main.interrupt();
        }
    }

    private static void closeQuietly(Lease lease) {
        Thread.interrupted(); // a signal's late interrupt must not abort the release
        try {
            lease.close();
        } catch (StatelockException e) {
            System.err.println("statelock: warning: could not release " + lease.key() + " (" + Main.message(e)
                    + "); it expires by itself when its ttl runs out");
        }
    }
}

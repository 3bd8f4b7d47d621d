package io.statelock.cli;

import io.statelock.client.LockState;
import io.statelock.client.StatelockClient;
import io.statelock.client.StatelockException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * While an acquire waits server-side, prints a line to stderr at a steady pace:
 * {@code waiting for prod/network: held by ci@runner-7 (apply) for 3m12s, expires in 22s}.
 * The holder comes from {@code Describe}; one call per interval.
 */
final class WaitProgress implements AutoCloseable {
    private final ScheduledExecutorService timer;
    private volatile boolean closed;

    private WaitProgress(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    static WaitProgress start(StatelockClient client, String key, Duration wait, Duration interval, PrintStream err) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "statelock-progress");
            t.setDaemon(true);
            return t;
        });
        long started = System.nanoTime();
        WaitProgress progress = new WaitProgress(timer);
        // The first line comes soon (an uncontended acquire answers before it), then one per interval.
        long first = Math.min(interval.toMillis(), 1000);
        timer.scheduleAtFixedRate(
                () -> {
                    Duration waited = Duration.ofNanos(System.nanoTime() - started);
                    String holder;
                    try {
                        LockState s = client.admin().describe(key);
                        holder = s.held() ? Output.holder(s, Instant.now()) : "free, taking it";
                    } catch (StatelockException e) {
                        holder = "holder unknown (" + e.getMessage() + ")";
                    }
                    if (progress.closed) {
                        return;
                    }
                    err.println("waiting for " + key + ": " + holder + " (waited " + Durations.format(waited) + " of "
                            + Durations.format(wait) + ")");
                    err.flush();
                },
                first,
                interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return progress;
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }
}

package io.statelock.testing;

import io.statelock.lock.Scheduler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A scheduler whose tasks run only when the test says so, in time order of a {@link ManualClock}. */
public final class ManualScheduler implements Scheduler {
    private final ManualClock clock;
    // Guarded by this: tasks are added from the code under test and run from the test thread.
    private final List<Task> tasks = new ArrayList<>();
    private long sequence;

    private final class Task implements Cancellable {
        final long dueMs;
        final long seq;
        final Runnable body;
        boolean cancelled;

        Task(long dueMs, long seq, Runnable body) {
            this.dueMs = dueMs;
            this.seq = seq;
            this.body = body;
        }

        @Override
        public void cancel() {
            synchronized (ManualScheduler.this) {
                cancelled = true;
                tasks.remove(this);
            }
        }
    }

    public ManualScheduler(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayMs) {
        Task t = new Task(clock.millis() + Math.max(0, delayMs), sequence++, task);
        tasks.add(t);
        return t;
    }

    /** Runs every task due by now (including ones they schedule for now); returns how many ran. */
    public int runDue() {
        int ran = 0;
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream()
                        .filter(t -> t.dueMs <= clock.millis())
                        .min(Comparator.comparingLong((Task t) -> t.dueMs).thenComparingLong(t -> t.seq))
                        .orElse(null);
                if (next == null) return ran;
                tasks.remove(next);
            }
            next.body.run();
            ran++;
        }
    }

    /** Advances the clock step by step to {@code ms} later, running what falls due on the way. */
    public void advance(long ms) {
        long end = clock.millis() + ms;
        while (true) {
            runDue();
            Long nextDue;
            synchronized (this) {
                nextDue = tasks.stream()
                        .map(t -> t.dueMs)
                        .filter(d -> d <= end)
                        .min(Long::compare)
                        .orElse(null);
            }
            if (nextDue == null) break;
            clock.set(Math.max(clock.millis(), nextDue));
        }
        clock.set(end);
        runDue();
    }

    public synchronized int pending() {
        return tasks.size();
    }
}

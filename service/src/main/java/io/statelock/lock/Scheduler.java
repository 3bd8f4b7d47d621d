package io.statelock.lock;

/** Runs tasks later or now, off the caller's thread. Injected so tests control time. */
public interface Scheduler {
    /** Handle of a scheduled task. */
    interface Cancellable {
        void cancel();
    }

    Cancellable schedule(Runnable task, long delayMs);

    default void execute(Runnable task) {
        schedule(task, 0);
    }
}

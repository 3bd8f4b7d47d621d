package io.statelock.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/** Runs start-up steps at once (JVM and node starts overlap their waits), failing with the first failure. */
final class Parallel {
    /** A step that may throw. */
    interface Step {
        void run() throws Exception;
    }

    private Parallel() {}

    static void run(List<Step> steps) throws Exception {
        List<FutureTask<Void>> tasks = new ArrayList<>();
        for (Step s : steps) {
            FutureTask<Void> t = new FutureTask<>(() -> {
                s.run();
                return null;
            });
            tasks.add(t);
            new Thread(t, "start-step").start();
        }
        for (FutureTask<Void> t : tasks) {
            try {
                t.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
        }
    }
}

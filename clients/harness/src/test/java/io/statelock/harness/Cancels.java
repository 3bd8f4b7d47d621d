package io.statelock.harness;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client-cancel windows of the fault schedule: while one is open, workers cancel their own calls at random
 * points (an upload before its commit, a download part-way, a waiting acquire), as a CI job stopped mid-step does.
 * Each closed window is kept with the client connections opened during it, for the checker: a cancel must hurt only
 * its own call, so no other call may fail in the window and no client may have had to reconnect.
 */
final class Cancels {
    /** A closed window: harness-relative start and end, cancels made, client connections opened meanwhile. */
    record Window(long startMs, long endMs, int cancels, int newConnections) {}

    private volatile boolean open;
    private final AtomicInteger made = new AtomicInteger();
    private final List<Window> windows = new CopyOnWriteArrayList<>();

    boolean open() {
        return open;
    }

    void open(boolean on) {
        open = on;
    }

    /** A worker cancelled one of its calls. */
    void made() {
        made.incrementAndGet();
    }

    int madeSoFar() {
        return made.get();
    }

    void closed(Window w) {
        windows.add(w);
    }

    List<Window> windows() {
        return List.copyOf(windows);
    }
}

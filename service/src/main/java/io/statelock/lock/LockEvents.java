package io.statelock.lock;

import io.statelock.common.LockKey;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** In-replica fan-out of lock changes to watchers; listeners must not block. */
public final class LockEvents {
    /** A registered listener; {@link #close()} stops delivery. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private record Listener(Predicate<LockKey> filter, Consumer<LockEvent> sink) {}

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public Subscription subscribe(Predicate<LockKey> filter, Consumer<LockEvent> sink) {
        Listener listener = new Listener(filter, sink);
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    public void publish(LockEvent event) {
        for (Listener listener : listeners) {
            if (listener.filter().test(event.status().key())) {
                listener.sink().accept(event);
            }
        }
    }

    public int listenerCount() {
        return listeners.size();
    }
}

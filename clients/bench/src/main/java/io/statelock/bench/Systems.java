package io.statelock.bench;

/** What a scenario drives: the same two moves on statelock, on the floor and on etcd. */
final class Systems {
    private Systems() {}

    /** One client of the uncontended scenario: acquire then release {@code key}, once. */
    interface Cycler {
        void cycle(String key) throws Exception;
    }

    /** One client of the contention scenario: wait for {@code key}, then give it back. */
    interface Waiter {
        Object lock(String key) throws Exception;

        void unlock(Object handle) throws Exception;
    }

    interface CyclerFactory {
        Cycler client(int index) throws Exception;
    }

    interface WaiterFactory {
        Waiter client(int index) throws Exception;
    }
}

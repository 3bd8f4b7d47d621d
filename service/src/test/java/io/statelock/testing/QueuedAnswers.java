package io.statelock.testing;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stream's answers as they arrive, in one queue a test polls: each message, then the error or the
 * string {@code "completed"} that ended the stream.
 */
public final class QueuedAnswers<T> implements StreamObserver<T> {
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

    @Override
    public void onNext(T value) {
        received.add(value);
    }

    @Override
    public void onError(Throwable t) {
        received.add(t);
    }

    @Override
    public void onCompleted() {
        received.add("completed");
    }

    /** The next answer within {@code seconds}, or null. */
    public Object next(long seconds) throws InterruptedException {
        return received.poll(seconds, TimeUnit.SECONDS);
    }

    /** The queue itself, for tests that poll it directly. */
    public BlockingQueue<Object> queue() {
        return received;
    }
}

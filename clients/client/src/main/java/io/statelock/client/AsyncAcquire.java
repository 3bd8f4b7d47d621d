package io.statelock.client;

import io.grpc.Context;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs one acquire for a {@link CompletableFuture} on a client thread, in two phases: the wait for
 * the grant, which cancelling the future cancels (the gRPC call is cancelled through its context,
 * so the service stops waiting and grants nothing), then starting the lease, which nothing cancels.
 * A lease started for a future that was cancelled meanwhile is discarded (released), so no lease is
 * held that no caller has; a future that completed is not touched by a later cancel.
 */
final class AsyncAcquire {
    private static final System.Logger LOG = System.getLogger(AsyncAcquire.class.getName());

    private AsyncAcquire() {}

    /**
     * @param waitForGrant the cancellable phase (an acquire call with its retries)
     * @param start turns the grant into what the future completes with
     * @param discard ends what {@code start} made when the future no longer wants it
     */
    static <G, L> CompletableFuture<L> start(
            Executor executor, Supplier<G> waitForGrant, Function<G, L> start, Consumer<L> discard) {
        CompletableFuture<L> future = new CompletableFuture<>();
        Context caller = Context.current();
        Context.CancellableContext waiting = caller.withCancellation();
        future.whenComplete((result, error) -> {
            // Only a cancel of the future ends the wait; a completion leaves the lease to the caller.
            if (future.isCancelled()) {
                waiting.cancel(null);
            }
        });
        try {
            executor.execute(() -> {
                try {
                    G grant = waiting.wrap(() -> waitForGrant.get()).call();
                    L lease = caller.wrap(() -> start.apply(grant)).call();
                    if (!future.complete(lease)) {
                        // Cancelled while the lease was being started: no caller will ever close it.
                        discardQuietly(discard, lease);
                    }
                } catch (Throwable t) {
                    future.completeExceptionally(t);
                } finally {
                    waiting.cancel(null); // frees the context; the calls under it are over
                }
            });
        } catch (RejectedExecutionException e) {
            waiting.cancel(null);
            future.completeExceptionally(new StatelockException("CLIENT", "the client is closed", e));
        }
        return future;
    }

    private static <L> void discardQuietly(Consumer<L> discard, L lease) {
        try {
            discard.accept(lease);
        } catch (RuntimeException e) {
            // Not renewed any more: the service frees the key when its ttl runs out.
            LOG.log(
                    System.Logger.Level.WARNING,
                    () -> "could not release a lease granted to a cancelled acquire (" + e.getMessage()
                            + "); the service frees it when its ttl runs out");
        }
    }
}

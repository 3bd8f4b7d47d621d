package io.statelock.lock.wait;

import io.statelock.lock.AcquireCommand;
import io.statelock.lock.FencingTokens;
import io.statelock.lock.LockHeldException;
import io.statelock.lock.LockRecord;
import io.statelock.lock.LockStatus;
import io.statelock.lock.Scheduler;
import java.time.Clock;

/**
 * The end of each wait, fixed on arrival on this replica's clock: a timer answers LockHeld (naming the last
 * holder seen) when it passes, and no lease is granted to a waiter past it.
 */
final class WaitDeadlines {
    private final Scheduler scheduler;
    private final Clock clock;
    private final FencingTokens fences;

    WaitDeadlines(Scheduler scheduler, Clock clock, FencingTokens fences) {
        this.scheduler = scheduler;
        this.clock = clock;
        this.fences = fences;
    }

    /** A waiter whose wait ends {@code waitMs} from now. */
    Waiter waiter(AcquireCommand command, long waitMs) {
        long now = clock.millis();
        return new Waiter(command, now, now + waitMs);
    }

    /** Starts the waiter's timer; called once its first try is over and it still waits. */
    void arm(KeyQueue queue, Waiter waiter) {
        // The deadline was fixed on arrival: the first try's time counts against the wait.
        waiter.timeout =
                scheduler.schedule(() -> timeOut(queue, waiter), Math.max(0, waiter.deadlineMs - clock.millis()));
        if (waiter.result.isDone()) waiter.timeout.cancel(); // granted or failed while the timer was set
    }

    /** True once the waiter's wait is over, whether or not its timer has run. */
    boolean over(Waiter waiter) {
        return clock.millis() >= waiter.deadlineMs;
    }

    /** Ends the wait with LockHeld, unless the waiter was granted or left already. */
    void timeOut(KeyQueue queue, Waiter waiter) {
        LockRecord holder = queue.timeOut(waiter);
        if (holder == null) return; // granted or gone already
        waiter.result.completeExceptionally(new LockHeldException(LockStatus.holderOf(holder, fences)));
    }
}

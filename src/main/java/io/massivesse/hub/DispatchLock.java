package io.massivesse.hub;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The hub's one dispatch lock: every transition of a connection and every fan-out happen under it. It refuses a
 * thread of the common fork-join pool that does not hold it already: fan-outs run on that pool and wait for its
 * threads while holding the lock, so such a thread would wait forever (docs/DESIGN.md, "Locks").
 */
final class DispatchLock extends ReentrantLock {

    @Override
    public void lock() {
        if (ForkJoinTask.getPool() == ForkJoinPool.commonPool() && !isHeldByCurrentThread()) {
            throw new IllegalStateException("the dispatch lock may not be taken inside a fan-out (docs/DESIGN.md, \"Locks\")");
        }
        super.lock();
    }
}

package io.massivesse.hub;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WriterPoolTest {

    /** Holds the bursts that stand for writes to clients that stopped reading. */
    private final CountDownLatch client = new CountDownLatch(1);
    private final List<Runnable> fallback = new CopyOnWriteArrayList<>();

    @AfterEach
    void release() {
        client.countDown();
    }

    private void blockedWrite() {
        try {
            client.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aBlockedBurstGivesUpItsThreadAndTheOthersGoOn() {
        WriterPool pool = new WriterPool(1, 20, 4, fallback::add);
        AtomicInteger written = new AtomicInteger();

        pool.execute(this::blockedWrite);
        for (int i = 0; i < 100; i++) {
            pool.execute(written::incrementAndGet);
        }

        await().atMost(10, TimeUnit.SECONDS).until(() -> written.get() == 100);
        assertThat(pool.stuckThreads()).isEqualTo(1);
        assertThat(fallback).isEmpty();

        client.countDown();
        await().atMost(10, TimeUnit.SECONDS).until(() -> pool.stuckThreads() == 0);
        pool.execute(written::incrementAndGet);
        await().atMost(10, TimeUnit.SECONDS).until(() -> written.get() == 101);
    }

    @Test
    void withTooManyThreadsBlockedBurstsGoToTheFallbackUntilOneReturns() {
        WriterPool pool = new WriterPool(1, 20, 1, fallback::add);
        pool.execute(this::blockedWrite);
        await().atMost(10, TimeUnit.SECONDS).until(() -> pool.stuckThreads() == 1);

        Runnable burst = () -> { };
        pool.execute(burst);
        assertThat(fallback).containsExactly(burst);

        client.countDown();
        await().atMost(10, TimeUnit.SECONDS).until(() -> pool.stuckThreads() == 0);
        AtomicInteger written = new AtomicInteger();
        pool.execute(written::incrementAndGet);
        await().atMost(10, TimeUnit.SECONDS).until(() -> written.get() == 1);
        assertThat(fallback).hasSize(1);
    }
}

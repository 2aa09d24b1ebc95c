package dev.bulwark.core.concurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bounded pool: named threads, back-pressure on the submitter, close waits for work. */
class WorkersTest {
  @Test
  void tasksRunOnNamedThreadsAndCloseWaitsForThem() throws Exception {
    Future<String> name;
    CountDownLatch done = new CountDownLatch(1);
    try (Workers w = new Workers("backup", "hash", 2)) {
      name = w.executor().submit(() -> Thread.currentThread().getName());
      w.executor().execute(done::countDown);
    }
    assertThat(name.get()).startsWith("bulwark-backup-hash-");
    assertThat(done.getCount()).as("closed only after its tasks ran").isZero();
  }

  @Test
  void aFullQueueRunsTheTaskInTheSubmittingThread() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (Workers w = new Workers("backup", "save", 1)) {
      // One busy worker and a queue of 4: the sixth task runs here, which stalls the producer.
      for (int i = 0; i < 5; i++) {
        w.executor().execute(() -> await(release));
      }
      Thread submitter = Thread.currentThread();
      Thread[] ranOn = new Thread[1];
      w.executor().execute(() -> ranOn[0] = Thread.currentThread());
      assertThat(ranOn[0]).isSameAs(submitter);
      release.countDown();
    }
  }

  @Test
  void atLeastOneThread() {
    assertThatThrownBy(() -> new Workers("x", "y", 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Workers.defaultThreads()).isPositive();
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(1, TimeUnit.MINUTES)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

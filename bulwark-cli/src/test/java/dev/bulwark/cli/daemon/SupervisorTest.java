package dev.bulwark.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BulwarkException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The daemon's supervisor in-process: one job at a time, no duplicates, a clean stop. */
class SupervisorTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final Supervisor.Listener listener = new Supervisor.Listener() {
    @Override
    public void started(Job job) {
      events.add("started " + job.id());
    }

    @Override
    public void ended(Job job) {
      events.add("ended " + job.id() + " " + job.status().state());
    }
  };

  @Test
  void askingAgainForAQueuedOrRunningJobReturnsThatJob() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Supervisor sup = new Supervisor(Clock.systemUTC(), WAIT, listener)) {
      Job first = sup.submit(JobKind.BACKUP, "a", () -> {
        running.countDown();
        release.await();
        return Job.Outcome.NONE;
      });
      assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      Job queued = sup.submit(JobKind.BACKUP, "b", () -> Job.Outcome.NONE);

      assertThat(sup.submit(JobKind.BACKUP, "a", () -> Job.Outcome.NONE)).isSameAs(first);
      assertThat(sup.submit(JobKind.BACKUP, "b", () -> Job.Outcome.NONE)).isSameAs(queued);
      Job verify = sup.submit(JobKind.VERIFY, "a", () -> Job.Outcome.NONE);
      assertThat(verify.id()).isNotEqualTo(first.id());
      assertThat(first.status().state()).isEqualTo(JobState.RUNNING);
      assertThat(queued.status().state()).isEqualTo(JobState.QUEUED);

      release.countDown();
      assertThat(first.await(WAIT).state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(queued.await(WAIT).state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(verify.await(WAIT).state()).isEqualTo(JobState.SUCCEEDED);
      Job again = sup.submit(JobKind.BACKUP, "a", () -> Job.Outcome.NONE);
      assertThat(again.id()).isNotIn(first.id(), queued.id(), verify.id());
      assertThat(again.await(WAIT).state()).isEqualTo(JobState.SUCCEEDED);
    }
  }

  @Test
  void jobsRunOneAtATimeInTheOrderAskedFor() throws Exception {
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<String> order = new CopyOnWriteArrayList<>();
    try (Supervisor sup = new Supervisor(Clock.systemUTC(), WAIT, listener)) {
      List<Job> jobs = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String db = "db" + i;
        jobs.add(sup.submit(JobKind.BACKUP, db, () -> {
          most.accumulateAndGet(inside.incrementAndGet(), Math::max);
          order.add(db);
          inside.decrementAndGet();
          return Job.Outcome.NONE;
        }));
      }
      for (Job j : jobs) {
        assertThat(j.await(WAIT).state()).isEqualTo(JobState.SUCCEEDED);
      }
    }
    assertThat(most.get()).isEqualTo(1);
    assertThat(order).containsExactly("db0", "db1", "db2", "db3", "db4", "db5", "db6", "db7");
  }

  @Test
  void aFailedJobSaysWhyInOneLine() throws Exception {
    try (Supervisor sup = new Supervisor(Clock.systemUTC(), WAIT, listener)) {
      Job j = sup.submit(JobKind.VERIFY, "a", () -> {
        throw new BulwarkException("snapshot 1234abcd is damaged\nsecond line");
      });
      JobStatus st = j.await(WAIT);
      assertThat(st.state()).isEqualTo(JobState.FAILED);
      assertThat(st.error()).isEqualTo("snapshot 1234abcd is damaged second line");
      assertThat(st.duration()).isNotNull();
    }
    assertThat(events).hasSize(2).last().asString().endsWith("FAILED");
  }

  @Test
  void closeInterruptsTheRunningJobCancelsQueuedOnesAndLeavesNoThread() throws Exception {
    Set<Thread> before = Threads.bulwark();
    CountDownLatch running = new CountDownLatch(1);
    Supervisor sup = new Supervisor(Clock.systemUTC(), Duration.ofMillis(200), listener);
    Job stuck = sup.submit(JobKind.BACKUP, "a", () -> {
      running.countDown();
      new CountDownLatch(1).await(); // only an interrupt ends this
      return Job.Outcome.NONE;
    });
    AtomicInteger ranQueued = new AtomicInteger();
    Job queued = sup.submit(JobKind.BACKUP, "b", () -> {
      ranQueued.incrementAndGet();
      return Job.Outcome.NONE;
    });
    assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(Threads.bulwark()).extracting(Thread::getName).contains("bulwark-daemon-job-1");

    sup.close();

    assertThat(stuck.status().state()).isEqualTo(JobState.CANCELLED);
    assertThat(stuck.status().error()).contains("stopping");
    assertThat(queued.status().state()).isEqualTo(JobState.CANCELLED);
    assertThat(ranQueued).hasValue(0);
    assertThat(events).containsExactly("started 1", "ended 1 CANCELLED");
    assertThatThrownBy(() -> sup.submit(JobKind.BACKUP, "c", () -> Job.Outcome.NONE))
        .isInstanceOf(IllegalStateException.class);
    Threads.assertNoneLeftBeyond(before, WAIT);
  }
}

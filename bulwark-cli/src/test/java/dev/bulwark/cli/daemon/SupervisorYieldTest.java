package dev.bulwark.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.job.JobYieldedException;
import dev.bulwark.core.job.YieldSignal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The supervisor's priorities and yielding, in-process with real threads: the most urgent job
 * runs first, a less urgent running job is asked to yield at its next checkpoint, and a yielded
 * job is resumed by a new one, at once or when its outside signal is quiet.
 */
class SupervisorYieldTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final Supervisor.Listener listener = new Supervisor.Listener() {
    @Override
    public void started(Job job) {
      events.add("started " + job.kind() + " " + job.database());
    }

    @Override
    public void ended(Job job) {
      events.add("ended " + job.kind() + " " + job.database() + " " + job.status().state());
    }
  };

  /**
   * Work with {@code total} checkpoints that resumes after the last one it passed; {@code
   * firstCheckpoint} is counted down at its first checkpoint, where it waits for {@code go}.
   */
  private static final class Checkpointed implements Supervisor.YieldingWork {
    final AtomicInteger done = new AtomicInteger();
    final AtomicInteger runs = new AtomicInteger();
    final CountDownLatch firstCheckpoint = new CountDownLatch(1);
    final CountDownLatch go = new CountDownLatch(1);
    final int total;

    Checkpointed(int total) {
      this.total = total;
    }

    @Override
    public Job.Outcome run(YieldSignal yieldSignal) throws InterruptedException,
        JobYieldedException {
      runs.incrementAndGet();
      while (done.get() < total) {
        done.incrementAndGet();
        if (firstCheckpoint.getCount() > 0) {
          firstCheckpoint.countDown();
          assertThat(go.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
        String why = yieldSignal.requested();
        if (why != null && done.get() < total) {
          throw new JobYieldedException("work", why);
        }
      }
      return Job.Outcome.NONE;
    }
  }

  @Test
  void anUrgentJobMakesTheRunningLowOneYieldAtItsNextCheckpointThenItResumes()
      throws Exception {
    Checkpointed verify = new Checkpointed(5);
    try (Supervisor sup = new Supervisor(Clock.systemUTC(), WAIT, listener)) {
      Job low = sup.submit(JobKind.VERIFY, "app", JobPriority.LOW, YieldSignal.NEVER, verify);
      assertThat(verify.firstCheckpoint.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      AtomicInteger verifiedWhenBackupRan = new AtomicInteger(-1);
      CountDownLatch looked = new CountDownLatch(1);
      Job urgent = sup.submit(JobKind.BACKUP, "app", JobPriority.URGENT, YieldSignal.NEVER,
          y -> {
            verifiedWhenBackupRan.set(verify.done.get());
            looked.await();
            return Job.Outcome.NONE;
          });
      verify.go.countDown();

      JobStatus yielded = low.await(WAIT);
      assertThat(yielded.state()).isEqualTo(JobState.YIELDED);
      assertThat(yielded.error()).contains("backup of app");
      // Asking again for the verification finds the job that resumes it.
      Job resumed = sup.submit(JobKind.VERIFY, "app", JobPriority.LOW, YieldSignal.NEVER,
          y -> Job.Outcome.NONE);
      assertThat(resumed.id()).isNotEqualTo(low.id());
      assertThat(resumed.status().resumes()).isEqualTo(low.id());
      assertThat(resumed.status().state()).isEqualTo(JobState.QUEUED);
      looked.countDown();
      assertThat(urgent.await(WAIT).state()).isEqualTo(JobState.SUCCEEDED);
      JobStatus finished = resumed.await(WAIT);
      assertThat(finished.state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(finished.resumes()).isEqualTo(low.id());
      // The urgent job ran at the first checkpoint after it was queued, not after the end.
      assertThat(verifiedWhenBackupRan).hasValue(1);
      assertThat(verify.done).hasValue(5);
      assertThat(verify.runs).hasValue(2);
    }
    assertThat(events).containsExactly("started VERIFY app", "ended VERIFY app YIELDED",
        "started BACKUP app", "ended BACKUP app SUCCEEDED", "started VERIFY app",
        "ended VERIFY app SUCCEEDED");
  }

  @Test
  void theMostUrgentQueuedJobRunsFirstAndEqualsInOrder() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> order = new CopyOnWriteArrayList<>();
    try (Supervisor sup = new Supervisor(Clock.systemUTC(), WAIT, listener)) {
      Job first = sup.submit(JobKind.BACKUP, "first", JobPriority.URGENT, YieldSignal.NEVER,
          y -> {
            running.countDown();
            release.await();
            return Job.Outcome.NONE;
          });
      assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      List<Job> queued = List.of(
          submit(sup, JobKind.VERIFY, "v1", JobPriority.LOW, order),
          submit(sup, JobKind.BACKUP, "b1", JobPriority.NORMAL, order),
          submit(sup, JobKind.VERIFY, "v2", JobPriority.LOW, order),
          submit(sup, JobKind.BACKUP, "now", JobPriority.URGENT, order),
          submit(sup, JobKind.BACKUP, "b2", JobPriority.NORMAL, order));
      release.countDown();
      assertThat(first.await(WAIT).state()).isEqualTo(JobState.SUCCEEDED);
      for (Job j : queued) {
        assertThat(j.await(WAIT).state()).isEqualTo(JobState.SUCCEEDED);
      }
    }
    assertThat(order).containsExactly("now", "b1", "b2", "v1", "v2");
  }

  private static Job submit(Supervisor sup, JobKind kind, String db, JobPriority p,
      List<String> order) {
    return sup.submit(kind, db, p, YieldSignal.NEVER, y -> {
      order.add(db);
      return Job.Outcome.NONE;
    });
  }

  @Test
  void aJobThatYieldedToAnOutsideSignalResumesOnlyOnceTheSignalIsQuiet() throws Exception {
    AtomicReference<String> sentinel = new AtomicReference<>("yield file exists");
    Checkpointed verify = new Checkpointed(3);
    verify.go.countDown();
    try (Supervisor sup = new Supervisor(Clock.systemUTC(), WAIT, listener)) {
      sup.resumeBackoff(Duration.ofMillis(50));
      Job low = sup.submit(JobKind.VERIFY, "app", JobPriority.LOW, sentinel::get, verify);
      JobStatus yielded = low.await(WAIT);
      assertThat(yielded.state()).isEqualTo(JobState.YIELDED);
      assertThat(yielded.error()).isEqualTo("yield file exists");
      Job resumed = sup.active(JobKind.VERIFY, "app");
      assertThat(resumed.resumes()).isEqualTo(low.id());

      // Several looks at the signal (50, 100, 200, 400 ms apart) and still not run.
      Thread.sleep(1_000);
      assertThat(verify.runs).hasValue(1);
      assertThat(resumed.status().state()).isEqualTo(JobState.QUEUED);

      sentinel.set(null);
      assertThat(resumed.await(WAIT).state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(verify.runs).hasValue(2);
      assertThat(verify.done).hasValue(3);
    }
  }

  @Test
  void anUrgentRequestReplacesTheSameJobWaitingToResumeAndRunsAtOnce() throws Exception {
    Checkpointed scheduled = new Checkpointed(3);
    scheduled.go.countDown();
    try (Supervisor sup = new Supervisor(Clock.systemUTC(), WAIT, listener)) {
      sup.resumeBackoff(Duration.ofMinutes(10));
      Job backup = sup.submit(JobKind.BACKUP, "app", JobPriority.NORMAL,
          () -> "yield file exists", scheduled);
      assertThat(backup.await(WAIT).state()).isEqualTo(JobState.YIELDED);
      Job waiting = sup.active(JobKind.BACKUP, "app");
      assertThat(waiting.resumes()).isEqualTo(backup.id());

      AtomicInteger ranNow = new AtomicInteger();
      Job now = sup.submit(JobKind.BACKUP, "app", JobPriority.URGENT, YieldSignal.NEVER,
          y -> {
            ranNow.incrementAndGet();
            return Job.Outcome.NONE;
          });
      assertThat(now.id()).isNotIn(backup.id(), waiting.id());
      assertThat(now.await(WAIT).state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(ranNow).hasValue(1);
      JobStatus replaced = waiting.await(WAIT);
      assertThat(replaced.state()).isEqualTo(JobState.CANCELLED);
      assertThat(replaced.error()).contains("more urgent request");
      assertThat(sup.active(JobKind.BACKUP, "app")).isNull();
      // A less urgent request for a queued or running job still gets that job.
      CountDownLatch release = new CountDownLatch(1);
      Job urgent = sup.submit(JobKind.VERIFY, "app", JobPriority.URGENT, YieldSignal.NEVER,
          y -> {
            release.await();
            return Job.Outcome.NONE;
          });
      assertThat(sup.submit(JobKind.VERIFY, "app", JobPriority.LOW, YieldSignal.NEVER,
          y -> Job.Outcome.NONE)).isSameAs(urgent);
      release.countDown();
      assertThat(urgent.await(WAIT).state()).isEqualTo(JobState.SUCCEEDED);
    }
    assertThat(scheduled.runs).hasValue(1);
  }

  @Test
  void closeCancelsAJobWaitingToResume() throws Exception {
    Checkpointed verify = new Checkpointed(3);
    verify.go.countDown();
    Supervisor sup = new Supervisor(Clock.systemUTC(), WAIT, listener);
    sup.resumeBackoff(Duration.ofMinutes(10));
    Job low = sup.submit(JobKind.VERIFY, "app", JobPriority.LOW, () -> "asked", verify);
    assertThat(low.await(WAIT).state()).isEqualTo(JobState.YIELDED);
    Job resumed = sup.active(JobKind.VERIFY, "app");
    sup.close();
    assertThat(resumed.await(WAIT).state()).isEqualTo(JobState.CANCELLED);
    assertThat(verify.runs).hasValue(1);
  }
}

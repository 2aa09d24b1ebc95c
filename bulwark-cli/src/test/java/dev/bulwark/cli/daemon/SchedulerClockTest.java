package dev.bulwark.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.cli.config.DatabaseType;
import dev.bulwark.core.testing.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Planning and the scheduler thread on a clock the test moves: when the next backup is due, what
 * a jump of the clock does, how failures are retried. Nothing here waits for real time to pass.
 */
class SchedulerClockTest {
  private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
  private static final Duration EVERY = Duration.ofHours(1);
  private static final long WAIT_SECONDS = 10;

  private static DatabaseState state(Duration every) {
    return new DatabaseState(new DatabaseConfig("app", DatabaseType.SQLITE, Path.of("/srv/app.db"),
        List.of(), every, null, null, false));
  }

  private static JobStatus ended(JobState state) {
    return new JobStatus("1", JobKind.BACKUP, "app", state, T0, T0, Duration.ZERO, null, 0,
        state == JobState.FAILED ? "disk full" : null);
  }

  private static Job.Outcome snapshotAt(Instant t) {
    return new Job.Outcome("abcd", t, 100, null);
  }

  @Test
  void theNextBackupIsDueEveryAfterTheNewestSnapshotOrAtOnceWithoutOne() {
    DatabaseState s = state(EVERY);
    assertThat(s.needsBackupPlan()).isTrue();
    s.planBackup(null, T0);
    assertThat(s.nextBackup).isEqualTo(T0);
    assertThat(s.isBackupDue(T0)).isTrue();

    DatabaseState restarted = state(EVERY);
    restarted.planBackup(T0.minus(Duration.ofMinutes(20)), T0);
    assertThat(restarted.nextBackup).isEqualTo(T0.plus(Duration.ofMinutes(40)));
    assertThat(restarted.isBackupDue(T0.plus(Duration.ofMinutes(39)))).isFalse();
    assertThat(restarted.isBackupDue(T0.plus(Duration.ofMinutes(40)))).isTrue();
  }

  @Test
  void afterAForwardJumpMissedRunsAreOneBackupNotACatchUpOfEach() {
    DatabaseState s = state(EVERY);
    s.planBackup(T0, T0);
    Instant later = T0.plus(Duration.ofHours(5)); // suspended, or the clock was set forward
    assertThat(s.isBackupDue(later)).isTrue();
    s.backupSubmitted();
    assertThat(s.isBackupDue(later)).as("due again while pending").isFalse();
    s.backupEnded(ended(JobState.SUCCEEDED), snapshotAt(later), later);
    assertThat(s.nextBackup).isEqualTo(later.plus(EVERY));
    assertThat(s.isBackupDue(later.plus(Duration.ofMinutes(59)))).isFalse();
  }

  @Test
  void afterABackwardJumpTheScheduleHoldsToTheNewestSnapshot() {
    DatabaseState s = state(EVERY);
    s.planBackup(T0, T0);
    Instant earlier = T0.minus(Duration.ofHours(3));
    assertThat(s.isBackupDue(earlier)).isFalse();
    assertThat(s.isBackupDue(T0.plus(EVERY))).isTrue();
  }

  @Test
  void aFailedBackupIsRetriedAfterAMinuteEveryTimeAndCounted() {
    DatabaseState s = state(EVERY);
    s.planBackup(T0, T0);
    Instant now = T0.plus(EVERY);
    for (int i = 1; i <= 3; i++) {
      s.backupSubmitted();
      s.backupEnded(ended(JobState.FAILED), Job.Outcome.NONE, now);
      assertThat(s.nextBackup).isEqualTo(now.plus(DatabaseState.RETRY_AFTER));
      assertThat(s.backupFailures).isEqualTo(i);
      now = s.nextBackup;
    }
    s.backupSubmitted();
    s.backupEnded(ended(JobState.SUCCEEDED), snapshotAt(now), now);
    assertThat(s.nextBackup).isEqualTo(now.plus(EVERY));
    assertThat(s.backupFailures).isEqualTo(3);
    assertThat(s.lastSuccessfulBackup.state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void aRetryNeverWaitsLongerThanTheInterval() {
    DatabaseState s = state(Duration.ofSeconds(20));
    s.planBackup(T0, T0);
    s.backupSubmitted();
    s.backupEnded(ended(JobState.FAILED), Job.Outcome.NONE, T0);
    assertThat(s.nextBackup).isEqualTo(T0.plusSeconds(20));
  }

  /** A plan that reports each round's time and answers with {@code next}. */
  private static Scheduler.Plan recording(BlockingQueue<Instant> rounds,
      Function<Instant, Instant> next) {
    return now -> {
      rounds.add(now);
      return next.apply(now);
    };
  }

  @Test
  void theSchedulerRunsOnTheInjectedClockAndSleepsUntilWokenOrDue() throws Exception {
    TestClock clock = new TestClock(T0);
    BlockingQueue<Instant> rounds = new LinkedBlockingQueue<>();
    try (Scheduler sch = new Scheduler(clock, recording(rounds, now -> now.plus(EVERY)))) {
      sch.start();
      assertThat(rounds.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(T0);
      // Due in an hour of the test clock: no round in the meantime.
      assertThat(rounds.poll(200, TimeUnit.MILLISECONDS)).isNull();
      Instant jumped = clock.advance(Duration.ofHours(5));
      sch.wake();
      assertThat(rounds.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(jumped);
      assertThat(rounds.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }
  }

  @Test
  void aDueTimeAlreadyPassedRunsTheNextRoundAtOnce() throws Exception {
    TestClock clock = new TestClock(T0);
    BlockingQueue<Instant> rounds = new LinkedBlockingQueue<>();
    // The first round answers with a time in the past, the second with "nothing planned".
    AtomicInteger n = new AtomicInteger();
    try (Scheduler sch = new Scheduler(clock, recording(rounds,
        now -> n.incrementAndGet() == 1 ? now.minusSeconds(1) : null))) {
      sch.start();
      assertThat(rounds.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(T0);
      assertThat(rounds.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(T0);
      assertThat(rounds.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }
  }

  @Test
  void aRoundThatThrowsIsRetriedAMinuteLaterOnTheClock() throws Exception {
    TestClock clock = new TestClock(T0);
    BlockingQueue<Instant> rounds = new LinkedBlockingQueue<>();
    try (Scheduler sch = new Scheduler(clock, now -> {
      rounds.add(now);
      throw new IllegalStateException("a bug in planning");
    })) {
      sch.start();
      assertThat(rounds.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(T0);
      assertThat(rounds.poll(200, TimeUnit.MILLISECONDS)).isNull();
      clock.advance(Duration.ofSeconds(59));
      sch.wake();
      assertThat(rounds.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(T0.plusSeconds(59));
    }
  }
}

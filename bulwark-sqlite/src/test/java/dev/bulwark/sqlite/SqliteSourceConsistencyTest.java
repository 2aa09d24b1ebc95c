package dev.bulwark.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.testing.Slow;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Snapshots of a database that other connections and another process keep writing to are
 * consistent: every one restores to a database that passes integrity_check, keeps the bank's
 * total and agrees with its own ledger.
 */
@Slow
class SqliteSourceConsistencyTest {
  private static final long SEED = Long.getLong("bulwark.test.seed", System.nanoTime());
  /** Commits the writers make between two snapshots, so every snapshot sees a new state. */
  private static final int COMMITS_BETWEEN_SNAPSHOTS = 10;

  @TempDir Path dir;

  /** Journal modes, each with the snapshots taken under thread writers and a process writer. */
  enum Mode {
    WAL("wal", 20, 20),
    ROLLBACK_JOURNAL("delete", 20, 20);

    final String journalMode;
    final int threadSnapshots;
    final int processSnapshots;

    Mode(String journalMode, int threadSnapshots, int processSnapshots) {
      this.journalMode = journalMode;
      this.threadSnapshots = threadSnapshots;
      this.processSnapshots = processSnapshots;
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void snapshotsTakenWhileFourThreadsTransferMoneyRestoreToConsistentStates(Mode mode)
      throws Exception {
    Path db = dir.resolve("bank.db");
    Bank.create(db, mode.journalMode, 1_000, "live");
    Semaphore progress = new Semaphore(0);
    AtomicLong commits = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    ExecutorService writers = Executors.newFixedThreadPool(4);
    List<Snapshot> snapshots = new ArrayList<>();
    long commitsDuringBackups = 0;
    try (TestRepo repo = TestRepo.init(dir.resolve("repo"))) {
      try {
        for (int w = 0; w < 4; w++) {
          Random random = new Random(SEED + w);
          writers.submit(() -> {
            try (Connection c = Bank.connect(db)) {
              while (!stop.get()) {
                Bank.transfer(c, random);
                commits.incrementAndGet();
                progress.release();
              }
            } catch (Throwable t) {
              failures.add(t);
              progress.release(Integer.MAX_VALUE / 2);
            }
          });
        }
        for (int i = 0; i < mode.threadSnapshots; i++) {
          progress.drainPermits();
          assertThat(progress.tryAcquire(COMMITS_BETWEEN_SNAPSHOTS, 60, TimeUnit.SECONDS))
              .as("writers keep committing (seed %d)", SEED).isTrue();
          long before = commits.get();
          snapshots.add(repo.backup(SqliteSource.of(db)).snapshot());
          commitsDuringBackups += commits.get() - before;
        }
      } finally {
        stop.set(true);
        writers.shutdown();
        assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(failures).as("writer failures (seed %d)", SEED).isEmpty();
      System.out.printf("%s: %d snapshots, %d commits in all, %d during backups%n", mode,
          snapshots.size(), commits.get(), commitsDuringBackups);
      assertThat(commitsDuringBackups).as("writers committed while snapshots were taken")
          .isPositive();
      assertRestoresAreConsistentAndDistinct(repo, snapshots);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void snapshotsTakenWhileAnotherProcessTransfersMoneyRestoreToConsistentStates(Mode mode)
      throws Exception {
    Path db = dir.resolve("bank.db");
    Bank.create(db, mode.journalMode, 1_000, "live");
    Path stderr = dir.resolve("writer.err");
    Process writer = ChildJvm.start(stderr, TransferWriter.class, db.toString());
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(writer.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (java.io.IOException e) {
        lines.add("error " + e);
      }
      lines.add("eof");
    });
    reader.start();
    List<Snapshot> snapshots = new ArrayList<>();
    try (TestRepo repo = TestRepo.init(dir.resolve("repo"))) {
      try {
        assertThat(nextLine(lines, writer, stderr)).isEqualTo("ready");
        for (int i = 0; i < mode.processSnapshots; i++) {
          lines.clear();
          assertThat(nextLine(lines, writer, stderr)).startsWith("commits");
          snapshots.add(repo.backup(SqliteSource.of(db)).snapshot());
          assertThat(writer.isAlive()).as("the writer process is still writing").isTrue();
        }
      } finally {
        writer.getOutputStream().close();
      }
      String last;
      do {
        last = nextLine(lines, writer, stderr);
      } while (last.startsWith("commits"));
      assertThat(last).startsWith("done");
      assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(writer.exitValue()).as(Files.readString(stderr)).isZero();
      System.out.printf("%s, writer in another process: %d snapshots, writer %s%n", mode,
          snapshots.size(), last);
      assertRestoresAreConsistentAndDistinct(repo, snapshots);
    } finally {
      writer.destroyForcibly();
      reader.join(10_000);
    }
  }

  private static String nextLine(BlockingQueue<String> lines, Process p, Path stderr)
      throws Exception {
    String line = lines.poll(60, TimeUnit.SECONDS);
    if (line == null || line.equals("eof") || line.startsWith("error")) {
      throw new AssertionError("writer process said " + line + "; stderr:\n"
          + Files.readString(stderr) + (p.isAlive() ? "" : "\nexit " + p.exitValue()));
    }
    return line;
  }

  private void assertRestoresAreConsistentAndDistinct(TestRepo repo, List<Snapshot> snapshots)
      throws Exception {
    Set<Long> states = new HashSet<>();
    for (int i = 0; i < snapshots.size(); i++) {
      Path target = dir.resolve("restored").resolve(i + ".db");
      repo.restore(snapshots.get(i), target);
      Bank.Audit audit = Bank.audit(target);
      assertThat(audit.consistent()).as("snapshot %d: %s (seed %d)", i, audit, SEED).isTrue();
      states.add(audit.transfers());
    }
    assertThat(states).as("every snapshot holds a different committed state")
        .hasSize(snapshots.size());
  }
}

package dev.bulwark.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.testing.Slow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (d) {@code kill -9} of a restore (a child JVM running {@code DatabaseRestorer}) over an
 * existing database, at each step and at random instants: after recovery the target holds the
 * whole old database or the whole new one, never a mix and never nothing, and the next
 * restore works.
 *
 * <p>Step kills are exact: the child pauses at the step and says so. The staging kill watches
 * the staging folder for its first table file. Random kills are seeded
 * ({@code -Dbulwark.test.seed}).
 */
@Slow
class RestoreCrashTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final int SIGKILL_EXIT = 128 + 9;
  private static final long SEED = Long.getLong("bulwark.test.seed", System.nanoTime());

  @TempDir static Path dir;
  private static Path repoDir;
  private static Path oldTemplate;
  private static String snapshot;
  /** How long an uninterrupted restore takes in the child, from "restoring" to exit. */
  private static long restoreNanos;

  @BeforeAll
  static void snapshotOfNewAndAnOldDatabase() throws Exception {
    Path source = dir.resolve("src/db");
    // 24 MiB of random values: six table files, so staging takes a while.
    VersionedDb.create(source, "new", 24_000, 1_000);
    oldTemplate = dir.resolve("template/db");
    VersionedDb.create(oldTemplate, "old", 5_000, 200);
    repoDir = dir.resolve("repo");
    try (Repository repo = TestRepos.init(repoDir)) {
      snapshot = TestRepos.backup(repo, RocksDbSource.offline(source)).snapshot().id().toString();
    }
    Path target = oldDatabase("baseline");
    try (ChildJvm child = startRestore(target, "NONE")) {
      child.awaitLine("restoring", TIMEOUT);
      long t0 = System.nanoTime();
      assertThat(child.await(TIMEOUT)).as(child.stderr()).isZero();
      restoreNanos = System.nanoTime() - t0;
    }
    assertThat(VersionedDb.check(target)).isEqualTo("new");
    System.out.printf("uninterrupted restore in the child: %d ms; seed %d%n",
        restoreNanos / 1_000_000, SEED);
  }

  @Test
  void killWhileStagingLeavesTheOldDatabase() throws Exception {
    Path target = oldDatabase("staging");
    try (ChildJvm child = startRestore(target, "NONE")) {
      Path staging = awaitFirstStagedTable(target, child);
      assertThat(child.kill()).isEqualTo(SIGKILL_EXIT);
      assertThat(staging.resolve("CURRENT")).as("killed before staging finished").doesNotExist();
    }
    assertThat(RocksDbKind.recoverSwap(target)).isEqualTo(RocksDbKind.Recovery.NONE);
    assertOld(target);
  }

  @Test
  void killAfterVerificationLeavesTheOldDatabase() throws Exception {
    Path target = oldDatabase("verified");
    killAt(target, "VERIFIED");
    assertThat(RocksDbKind.recoverSwap(target)).isEqualTo(RocksDbKind.Recovery.NONE);
    assertOld(target);
  }

  @Test
  void killAfterTheJournalIsWrittenLeavesTheOldDatabase() throws Exception {
    Path target = oldDatabase("journaled");
    try (ChildJvm child = startRestore(target, "JOURNALED")) {
      child.awaitLine("at JOURNALED", TIMEOUT);
      // A live swap's journal is locked: recovery must not touch it.
      assertThatThrownBy(() -> RocksDbKind.recoverSwap(target)).isInstanceOf(BulwarkException.class)
          .hasMessageContaining("another restore is swapping a database into " + target);
      assertThat(child.kill()).isEqualTo(SIGKILL_EXIT);
    }
    assertThat(journal(target)).exists();
    assertThat(RocksDbKind.recoverSwap(target)).isEqualTo(RocksDbKind.Recovery.ROLLED_BACK);
    assertOld(target);
  }

  @Test
  void killBetweenTheTwoRenamesPutsTheOldDatabaseBack() throws Exception {
    Path target = oldDatabase("between");
    killAt(target, "PREVIOUS_MOVED");
    assertThat(target).as("killed with the old database moved aside").doesNotExist();
    assertThat(kept(target)).isPresent();
    // The next restore's first step, checkNotInUse, recovers by itself.
    new RocksDbKind().checkNotInUse(target);
    assertOld(target);
  }

  @Test
  void killAfterTheNewDatabaseIsInPlaceKeepsItAndTheOldOne() throws Exception {
    Path target = oldDatabase("swapped");
    killAt(target, "STAGED_MOVED");
    assertThat(RocksDbKind.recoverSwap(target)).isEqualTo(RocksDbKind.Recovery.ROLLED_FORWARD);
    assertThat(VersionedDb.check(target)).isEqualTo("new");
    assertThat(VersionedDb.check(kept(target).orElseThrow())).isEqualTo("old");
    assertThat(journal(target)).doesNotExist();
    assertThat(RocksDbKind.recoverSwap(target)).isEqualTo(RocksDbKind.Recovery.NONE);
  }

  @Test
  void killsAtRandomInstantsLeaveTheOldOrTheNewDatabase() throws Exception {
    SplittableRandom random = new SplittableRandom(SEED);
    for (int i = 0; i < 4; i++) {
      Path target = oldDatabase("random-" + i);
      long delayNanos = random.nextLong(restoreNanos + 1);
      boolean killed;
      try (ChildJvm child = startRestore(target, "NONE")) {
        child.awaitLine("restoring", TIMEOUT);
        killed = !child.waitFor(Duration.ofNanos(delayNanos));
        if (killed) {
          // The child may finish between the wait and the kill: then it exited 0 by itself.
          int code = child.kill();
          assertThat(code).isIn(SIGKILL_EXIT, 0);
          killed = code == SIGKILL_EXIT;
        }
      }
      new RocksDbKind().checkNotInUse(target);
      String version = VersionedDb.check(target);
      System.out.printf("random kill %d after %d ms (of %d): %s; target holds %s%n", i,
          delayNanos / 1_000_000, restoreNanos / 1_000_000, killed ? "killed" : "finished",
          version);
      if (version.equals("new")) {
        assertThat(VersionedDb.check(kept(target).orElseThrow())).isEqualTo("old");
      } else {
        assertThat(kept(target)).isEmpty();
      }
      assertThat(journal(target)).doesNotExist();
    }
  }

  // ---------------------------------------------------------------- helpers

  private static void killAt(Path target, String point) throws Exception {
    try (ChildJvm child = startRestore(target, point)) {
      child.awaitLine("at " + point, TIMEOUT);
      assertThat(child.kill()).isEqualTo(SIGKILL_EXIT);
    }
  }

  /** The old database, then a restore run to completion over whatever the crash left. */
  private static void assertOld(Path target) throws Exception {
    assertThat(VersionedDb.check(target)).isEqualTo("old");
    assertThat(kept(target)).as("nothing kept: the restore did not happen").isEmpty();
    assertThat(journal(target)).doesNotExist();
    try (Repository repo = TestRepos.open(repoDir)) {
      Path kept = TestRepos.restorer(repo).restore(SnapshotRef.parse(snapshot), target).previous()
          .orElse(null);
      assertThat(VersionedDb.check(target)).isEqualTo("new");
      assertThat(VersionedDb.check(kept)).isEqualTo("old");
    }
  }

  private static Path oldDatabase(String name) throws IOException {
    Path target = dir.resolve(name + "/db");
    Files.createDirectories(target);
    try (Stream<Path> s = Files.list(oldTemplate)) {
      for (Path f : (Iterable<Path>) s::iterator) {
        Files.copy(f, target.resolve(f.getFileName()));
      }
    }
    return target;
  }

  private static ChildJvm startRestore(Path target, String point) throws IOException {
    return ChildJvm.start(target.resolveSibling("child-" + point + ".err"),
        RestoreChildMain.class, repoDir.toString(), snapshot, target.toString(), point);
  }

  private static Optional<Path> kept(Path target) throws IOException {
    try (Stream<Path> s = Files.list(target.getParent())) {
      List<Path> kept = s.filter(p -> p.getFileName().toString()
          .startsWith(target.getFileName() + ".bulwark-old-")).toList();
      assertThat(kept).hasSizeLessThanOrEqualTo(1);
      return kept.stream().findFirst();
    }
  }

  private static Path journal(Path target) {
    return target.resolveSibling("." + target.getFileName() + ".bulwark-swap");
  }

  /** Waits, by watching the folder, until the restore's staging folder has a table file. */
  private static Path awaitFirstStagedTable(Path target, ChildJvm child) throws Exception {
    Path parent = target.getParent();
    String prefix = "." + target.getFileName() + ".bulwark-staging";
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    try (WatchService ws = parent.getFileSystem().newWatchService()) {
      parent.register(ws, StandardWatchEventKinds.ENTRY_CREATE);
      Path staging = null;
      while (true) {
        if (staging == null) {
          try (Stream<Path> s = Files.list(parent)) {
            staging = s.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst()
                .orElse(null);
          }
          if (staging != null) {
            staging.register(ws, StandardWatchEventKinds.ENTRY_CREATE);
          }
        }
        if (staging != null && !TestFolders.tables(staging).isEmpty()) {
          return staging;
        }
        assertThat(child.isAlive()).as("restore still running: %s", child.stderr()).isTrue();
        WatchKey key = ws.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        assertThat(key).as("a staged table file within %s", TIMEOUT).isNotNull();
        key.pollEvents();
        key.reset();
      }
    }
  }
}

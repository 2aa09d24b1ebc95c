package dev.bulwark.rocksdb;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.restore.DatabaseKind;
import dev.bulwark.core.restore.DatabaseRestorer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Child process for crash tests: restores snapshot {@code args[1]} of repository
 * {@code args[0]} to {@code args[2]} with {@link DatabaseRestorer} and {@link RocksDbKind}.
 * With {@code args[3]} naming a pause point ({@code VERIFIED} or a {@link DirectorySwap.Step}),
 * it prints {@code at <point>} there and blocks until killed; otherwise it runs through.
 * Prints {@code restoring} just before it starts and {@code done} at the end.
 */
public final class RestoreChildMain {
  private RestoreChildMain() {}

  public static void main(String[] args) throws Exception {
    Path repoDir = Path.of(args[0]);
    String snapshot = args[1];
    Path target = Path.of(args[2]);
    String point = args[3];
    DatabaseKind kind = new RocksDbKind(Clock.systemUTC(), step -> {
      if (step.name().equals(point)) {
        pause(point);
      }
    });
    if (point.equals("VERIFIED")) {
      kind = pausedAfterVerify(kind);
    }
    try (Repository repo = TestRepos.open(repoDir)) {
      System.out.println("restoring");
      System.out.flush();
      DatabaseRestorer.Result r = TestRepos.restorer(repo, kind)
          .restore(SnapshotRef.parse(snapshot), target);
      System.out.println("done " + r.previous().orElse(null));
    }
  }

  /** Announces {@code point} and waits for the parent's SIGKILL. */
  private static void pause(String point) {
    System.out.println("at " + point);
    System.out.flush();
    try {
      while (System.in.read() >= 0) {
        // the parent never writes; it kills us
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("stdin closed while paused at " + point);
  }

  private static DatabaseKind pausedAfterVerify(DatabaseKind kind) {
    return new DatabaseKind() {
      @Override
      public String name() {
        return kind.name();
      }

      @Override
      public void checkNotInUse(Path t) throws IOException, BulwarkException {
        kind.checkNotInUse(t);
      }

      @Override
      public void verify(Path staged) throws IOException, BulwarkException {
        kind.verify(staged);
        pause("VERIFIED");
      }

      @Override
      public Path swap(Path staged, Path t) throws IOException, BulwarkException {
        return kind.swap(staged, t);
      }
    };
  }
}

package dev.bulwark.sqlite;

import dev.bulwark.core.Progress;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.restore.DatabaseRestorer;
import java.nio.file.Path;

/** Child process for crash tests: restores snapshot {@code args[1]} of repository
 * {@code args[0]} to {@code args[2]}, then prints {@code restored}. */
public final class RestoreChild {
  private RestoreChild() {}

  public static void main(String[] args) throws Exception {
    try (Repository repo = Repository.open(LocalBackend.open(Path.of(args[0])),
        TestRepo.password())) {
      new DatabaseRestorer(repo, new SqliteKind(), 1, new Progress())
          .restore(SnapshotRef.parse(args[1]), Path.of(args[2]));
    }
    System.out.println("restored");
  }
}

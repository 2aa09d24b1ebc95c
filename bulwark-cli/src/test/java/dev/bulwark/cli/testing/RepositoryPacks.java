package dev.bulwark.cli.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.Id;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.testing.TestRepositories;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The pack files of a local repository as a kill-and-resume test watches them: how many there
 * are, which an index names, and waiting until a running process has written some.
 */
public final class RepositoryPacks {
  private RepositoryPacks() {}

  /** Pack files in the repository's {@code data} folder. */
  public static int count(Path repo) throws Exception {
    return TestFiles.repoFiles(repo, "data").size();
  }

  /** The packs the repository's index files name (those a checkpoint made reusable). */
  public static Set<Id> indexed(Path repo) throws Exception {
    try (Repository r = Repository.open(LocalBackend.open(repo), TestRepositories.PASSWORD)) {
      return Set.copyOf(r.indexFiles().packs().keySet());
    }
  }

  /**
   * Waits until {@code n} pack files exist or {@code p} ends, at most two minutes.
   *
   * @return milliseconds from {@code t0} ({@link System#nanoTime()}) until then
   */
  public static long await(Path repo, Process p, long t0, int n) throws Exception {
    while (count(repo) < n && p.isAlive()) {
      assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.MINUTES.toNanos(2));
      p.waitFor(1, TimeUnit.MILLISECONDS);
    }
    return (System.nanoTime() - t0) / 1_000_000;
  }
}

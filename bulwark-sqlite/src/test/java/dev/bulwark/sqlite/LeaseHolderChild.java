package dev.bulwark.sqlite;

import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Child process: replicates database {@code args[1]} into repository {@code args[0]} with state
 * in {@code args[2]} as stream {@code args[3]}, its lease host and expiry from the environment,
 * until killed. Prints {@code started} once it holds the lease and the first cycle is done.
 */
public final class LeaseHolderChild {
  private LeaseHolderChild() {}

  public static void main(String[] args) throws Exception {
    Repository repo = Repository.open(LocalBackend.open(Path.of(args[0])), TestRepo.password());
    Replicator r = SqliteSource.of(Path.of(args[1])).replicate(repo, ReplicationOptions
        .defaults().withStateDir(Path.of(args[2])).withDatabaseId(args[3])
        .withSyncInterval(Duration.ofMillis(50)));
    System.out.println("started " + r.lastShippedPosition().orElseThrow());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}

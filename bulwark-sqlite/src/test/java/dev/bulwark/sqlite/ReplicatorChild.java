package dev.bulwark.sqlite;

import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Child process: replicates database {@code args[1]} into repository {@code args[0]} with state
 * in {@code args[2]} and a sync interval of {@code args[3]} ms until killed, or until SIGTERM,
 * which ships what is pending first. Prints {@code started} once the first cycle is done.
 */
public final class ReplicatorChild {
  private ReplicatorChild() {}

  public static void main(String[] args) throws Exception {
    Repository repo = Repository.open(LocalBackend.open(Path.of(args[0])), TestRepo.password());
    Replicator r = SqliteSource.of(Path.of(args[1])).replicate(repo, ReplicationOptions
        .defaults().withStateDir(Path.of(args[2])).withDatabaseId("kill")
        .withSyncInterval(Duration.ofMillis(Long.parseLong(args[3]))));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        r.close();
        repo.close();
      } catch (Exception e) {
        e.printStackTrace();
      }
    }));
    System.out.println("started " + r.lastShippedPosition().orElseThrow());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}

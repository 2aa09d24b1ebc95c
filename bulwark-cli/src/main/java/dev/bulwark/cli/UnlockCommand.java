package dev.bulwark.cli;

import dev.bulwark.core.repo.Host;
import dev.bulwark.core.repo.LockInfo;
import dev.bulwark.core.repo.Repository;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bulwark unlock}. */
@Command(name = "unlock", mixinStandardHelpOptions = true,
    description = "Remove stale locks: older than 30 minutes, or taken on this host by a "
        + "process that is gone.",
    footer = {"", "Example:", "  bulwark unlock --repo /backups/repo"})
final class UnlockCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--remove-all", description = "Remove all locks, even live ones.")
  boolean all;

  @Override
  public Integer call() throws Exception {
    int removed = 0;
    try (Repository r = repo.open(false)) {
      String host = Host.name();
      for (LockInfo l : r.locks()) {
        if (all || l.isStale(Instant.now(), host)) {
          r.removeLock(l.id());
          removed++;
        }
      }
    }
    spec.commandLine().getOut().println("removed " + removed + " lock(s)");
    return 0;
  }
}

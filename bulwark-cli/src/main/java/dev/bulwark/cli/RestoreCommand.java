package dev.bulwark.cli;

import dev.bulwark.core.job.Progress;
import dev.bulwark.core.job.Workers;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.RestoreResult;
import dev.bulwark.core.restore.Restorer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bulwark restore}. */
@Command(name = "restore", mixinStandardHelpOptions = true,
    description = "Restore a snapshot into a folder. Files land at TARGET/<original path>; "
        + "each is verified and written under a temp name, then renamed into place.",
    footer = {"", "Examples:", "  bulwark restore latest --repo /backups/repo --target /tmp/out",
        "  bulwark restore 4f2a9c1e --repo /backups/repo --target / --include /srv/app/data"})
final class RestoreCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "SNAPSHOT", description = "Snapshot id, unique id prefix, or latest.")
  String snapshot;

  @Option(names = {"-t", "--target"}, required = true, paramLabel = "DIR",
      description = "Folder to restore into (created if missing).")
  Path target;

  @Option(names = {"-i", "--include"}, paramLabel = "PATH",
      description = "Restore only this path of the snapshot and what is below it (repeatable).")
  List<String> includes = new ArrayList<>();

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads.")
  Integer threads;

  @Override
  public Integer call() throws Exception {
    Progress progress = new Progress();
    try (Repository r = repo.open(true); Lock lock = r.lock(false);
        ProgressPrinter pp = new ProgressPrinter(progress, "restore", true)) {
      Snapshot s = r.findSnapshot(snapshot);
      int n = threads != null ? threads : Workers.defaultThreads();
      RestoreResult res = new Restorer(r, n, progress).restore(s, target, includes);
      spec.commandLine().getOut().printf("restored snapshot %s: %d files, %s into %s in %.1f s%n",
          s.id().shortForm(), res.files(), Messages.bytes(res.bytes()), target, res.seconds());
    }
    return 0;
  }
}

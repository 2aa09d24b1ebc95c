package dev.bulwark.cli;

import dev.bulwark.core.Progress;
import dev.bulwark.core.check.CheckResult;
import dev.bulwark.core.check.Checker;
import dev.bulwark.core.concurrent.Workers;
import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bulwark check}. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Verify the repository: every index entry, tree and snapshot reference "
        + "resolves; with --read-data, every blob decrypts and matches its id.",
        "",
        "Stream segments (bulwark/streams/) are read whole in either mode, one at a time: "
            + "a segment has no header apart from its data, and its positions and checksums "
            + "are what continuity is checked with. Each one must authenticate and decode, "
            + "and each generation's segments must follow one of its snapshots without a gap, "
            + "every checksum chaining to the next. Anything else in the folder is an error. "
            + "With --read-data, each stream snapshot's database is rebuilt from its blobs and "
            + "the segments after it are replayed page by page: every checksum they record "
            + "must be the one their pages give."},
    footer = {"", "Example:", "  bulwark check --repo /backups/repo --read-data"})
final class CheckCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Mixin LimitOptions limits;
  @Mixin NoLockOption noLock;
  @Mixin CheckpointOptions checkpoints;
  @Mixin RetryLockOption retryLock;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--read-data", description = "Also read, decrypt and hash all data, and "
      + "replay every stream from its snapshots.")
  boolean readData;

  @Override
  public Integer call() throws Exception {
    Progress progress = new Progress();
    CheckpointPolicy policy = checkpoints.policy();
    retryLock.retryFor();
    CheckResult res;
    try (Repository r = repo.open(true, limits);
        Lock lock = noLock.noLock ? null : retryLock.lock(r, true, "check");
        ProgressPrinter pp = new ProgressPrinter(progress, "check", readData)) {
      res = new Checker(r, Workers.defaultThreads(), progress, policy,
          Checker.stateFolder(repo.env())).check(readData);
    }
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    for (String h : res.hints()) {
      out.println("hint: " + h);
    }
    for (String e : res.errors()) {
      err.println("error: " + e);
    }
    out.printf("%d snapshots, %d trees, %d packs checked%s%n", res.snapshots(), res.trees(),
        res.packs(), readData ? ", " + res.packsRead() + " packs read" : "");
    CheckResult.Streams streams = res.streams();
    if (!streams.isEmpty()) {
      out.printf("%d stream database(s), %d generation(s), %d segments (%s) checked%n",
          streams.databases(), streams.generations(), streams.segments(),
          Messages.bytes(streams.bytes()));
    }
    if (!res.ok()) {
      err.println("bulwark: check found " + res.errors().size() + " error(s)");
      err.flush();
      return ExitCodes.ERROR;
    }
    out.println("no errors were found");
    return 0;
  }
}

package dev.bulwark.cli;

import dev.bulwark.core.Progress;
import dev.bulwark.core.check.CheckResult;
import dev.bulwark.core.check.Checker;
import dev.bulwark.core.concurrent.Workers;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bulwark check}. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Verify the repository: every index entry, tree and snapshot reference "
        + "resolves; with --read-data, every blob decrypts and matches its id.",
    footer = {"", "Example:", "  bulwark check --repo /backups/repo --read-data"})
final class CheckCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Mixin NoLockOption noLock;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--read-data", description = "Also read, decrypt and hash all data.")
  boolean readData;

  @Override
  public Integer call() throws Exception {
    Progress progress = new Progress();
    CheckResult res;
    try (Repository r = repo.open(true); Lock lock = noLock.lock(r, true);
        ProgressPrinter pp = new ProgressPrinter(progress, "check", readData)) {
      res = new Checker(r, Workers.defaultThreads(), progress).check(readData);
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
    if (!res.ok()) {
      err.println("bulwark: check found " + res.errors().size() + " error(s)");
      err.flush();
      return ExitCodes.ERROR;
    }
    out.println("no errors were found");
    return 0;
  }
}

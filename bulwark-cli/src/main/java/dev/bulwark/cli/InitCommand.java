package dev.bulwark.cli;

import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.RateLimits;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Repository;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bulwark init}. */
@Command(name = "init", mixinStandardHelpOptions = true,
    description = "Create a new encrypted repository (restic format, version 2).",
    footer = {"", "Examples:", "  bulwark init --repo /backups/repo --password-file ~/.bulwark-pw",
        "  bulwark init --repo /mnt/usb/repo --copy-chunker-params --from-repo /backups/repo"})
final class InitCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Mixin KdfOptions kdf;
  @Mixin FromRepoOptions from;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--copy-chunker-params", description = "Use the chunker parameters of the "
      + "repository named by --from-repo, so that snapshots copied from it with `bulwark copy` "
      + "deduplicate with what is backed up here directly (as restic's option of that name).")
  boolean copyChunkerParams;

  @Override
  public Integer call() throws Exception {
    String polynomial = chunkerPolynomial();
    Backend backend = repo.backend();
    byte[] pw = repo.passwordFile != null || repo.env().get("BULWARK_PASSWORD") != null
        || repo.env().get("BULWARK_PASSWORD_FILE") != null
        ? repo.password("") : RepoOptions.prompt("enter a password for the new repository", true);
    try (Repository r = Repository.init(backend, pw, kdf.params(), polynomial)) {
      spec.commandLine().getOut().println("created repository " + r.config().id().substring(0, 10)
          + " at " + backend.location());
      spec.commandLine().getOut().println("Keep the password safe: without it the data "
          + "cannot be recovered.");
    } finally {
      Arrays.fill(pw, (byte) 0);
    }
    return 0;
  }

  /** The source repository's chunker polynomial with --copy-chunker-params, else null. */
  private String chunkerPolynomial() throws Exception {
    if (!copyChunkerParams) {
      if (from.repo != null) {
        throw new UsageException("--from-repo is for --copy-chunker-params; add it, or drop "
            + "--from-repo");
      }
      return null;
    }
    if (!from.isGiven()) {
      throw new UsageException("--copy-chunker-params needs the repository to copy them from: "
          + "add --from-repo PATH");
    }
    try (Repository source = from.open(false, RateLimits.UNLIMITED)) {
      return source.config().chunkerPolynomial();
    }
  }
}

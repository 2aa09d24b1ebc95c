package dev.bulwark.cli;

import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Repository;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code bulwark init}. */
@Command(name = "init", mixinStandardHelpOptions = true,
    description = "Create a new encrypted repository (restic format, version 2).",
    footer = {"", "Example:", "  bulwark init --repo /backups/repo --password-file ~/.bulwark-pw"})
final class InitCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Mixin KdfOptions kdf;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Backend backend = repo.backend();
    byte[] pw = repo.passwordFile != null || repo.env().get("BULWARK_PASSWORD") != null
        || repo.env().get("BULWARK_PASSWORD_FILE") != null
        ? repo.password("") : RepoOptions.prompt("enter a password for the new repository", true);
    try (Repository r = Repository.init(backend, pw, kdf.params())) {
      spec.commandLine().getOut().println("created repository " + r.config().id().substring(0, 10)
          + " at " + backend.location());
      spec.commandLine().getOut().println("Keep the password safe: without it the data "
          + "cannot be recovered.");
    } finally {
      Arrays.fill(pw, (byte) 0);
    }
    return 0;
  }
}

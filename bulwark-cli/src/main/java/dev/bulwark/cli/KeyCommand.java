package dev.bulwark.cli;

import dev.bulwark.core.Id;
import dev.bulwark.core.repo.Keys;
import dev.bulwark.core.repo.Repository;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bulwark key add|list|remove}. */
@Command(name = "key", mixinStandardHelpOptions = true,
    description = "Manage the keys (passwords) that open the repository. Each key wraps the "
        + "same master key; any one of them opens the repository.",
    subcommands = {KeyCommand.Add.class, KeyCommand.ListKeys.class, KeyCommand.Remove.class},
    footer = {"", "Examples:", "  bulwark key list --repo /backups/repo",
        "  bulwark key add --repo /backups/repo --new-password-file /etc/bulwark/second-pw",
        "  bulwark key remove --repo /backups/repo 3f9a1c2d"})
final class KeyCommand {

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Add a key for a new password.",
      footer = {"", "Example:", "  bulwark key add --repo R --password-file old --new-password-file new"})
  static final class Add implements Callable<Integer> {
    @Mixin RepoOptions repo;
    @Mixin KdfOptions kdf;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--new-password-file", paramLabel = "FILE",
        description = "Read the new password from FILE (default: prompt).")
    Path newPasswordFile;

    @Override
    public Integer call() throws Exception {
      try (Repository r = repo.open(false)) {
        byte[] pw = newPasswordFile != null ? RepoOptions.readPasswordFile(newPasswordFile)
            : RepoOptions.prompt("enter the new password", true);
        try {
          Id id = r.keys().add(pw, kdf.params());
          spec.commandLine().getOut().println("added key " + id.shortForm());
        } finally {
          Arrays.fill(pw, (byte) 0);
        }
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the keys.",
      footer = {"", "Example:", "  bulwark key list --repo R --json"})
  static final class ListKeys implements Callable<Integer> {
    @Mixin RepoOptions repo;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      try (Repository r = repo.open(false)) {
        var out = spec.commandLine().getOut();
        var keys = r.keys().list();
        if (json) {
          var m = new com.fasterxml.jackson.databind.ObjectMapper();
          var arr = m.createArrayNode();
          for (Keys.KeyEntry k : keys) {
            arr.addObject().put("id", k.id().toString()).put("current", k.current())
                .put("username", k.username()).put("hostname", k.hostname())
                .put("created", k.created().toString());
          }
          out.println(m.writeValueAsString(arr));
        } else {
          out.printf(" %-10s  %-12s  %-16s  %s%n", "ID", "User", "Host", "Created");
          for (Keys.KeyEntry k : keys) {
            out.printf("%s%-10s  %-12s  %-16s  %s%n", k.current() ? "*" : " ",
                k.id().shortForm(), k.username(), k.hostname(), k.created());
          }
        }
      }
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove a key. The last key and the key in use cannot be removed.",
      footer = {"", "Example:", "  bulwark key remove --repo R 3f9a1c2d"})
  static final class Remove implements Callable<Integer> {
    @Mixin RepoOptions repo;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "Key id or unique prefix.")
    String id;

    @Override
    public Integer call() throws Exception {
      try (Repository r = repo.open(false)) {
        Id removed = r.keys().remove(id);
        spec.commandLine().getOut().println("removed key " + removed.shortForm());
      }
      return 0;
    }
  }
}

package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The promises every command makes: {@code --help} with an example, {@code --json} on
 * listings, and a completion script that really completes in bash.
 */
class CommandSurfaceTest {
  /** Commands that list things; each must offer --json. */
  private static final List<String> LISTINGS =
      List.of("bulwark snapshots", "bulwark info", "bulwark key list", "bulwark forget");

  @TempDir Path dir;

  @Test
  void everyCommandHasHelpWithAnExample() {
    List<String> missing = new ArrayList<>();
    for (CommandLine c : allCommands(new CommandLine(new Main()))) {
      String name = c.getCommandSpec().qualifiedName();
      if (name.equals("bulwark help")) {
        continue;
      }
      String usage = c.getUsageMessage();
      if (!c.getCommandSpec().optionsMap().containsKey("--help")
          || !usage.contains("Example")) {
        missing.add(name);
      }
    }
    assertThat(missing).as("commands without --help or an example").isEmpty();
  }

  @Test
  void everyListingCommandHasJson() {
    List<String> names = new ArrayList<>();
    for (CommandLine c : allCommands(new CommandLine(new Main()))) {
      if (LISTINGS.contains(c.getCommandSpec().qualifiedName())) {
        assertThat(c.getCommandSpec().optionsMap()).as(c.getCommandSpec().qualifiedName())
            .containsKey("--json");
        names.add(c.getCommandSpec().qualifiedName());
      }
    }
    assertThat(names).containsExactlyInAnyOrderElementsOf(LISTINGS);
  }

  @Test
  void completionScriptCompletesCommandsAndOptionsInBash() throws Exception {
    Tools.require("bash");
    Path script = dir.resolve("bulwark-completion.sh");
    Files.writeString(script, Cli.withPassword().run("completion").assertOk().stdout());
    String probe = "source '" + script + "'\n"
        + "complete_at() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); COMP_LINE=\"$*\";"
        + " COMP_POINT=${#COMP_LINE}; COMPREPLY=(); _complete_bulwark 2>/dev/null;"
        + " echo \"${COMPREPLY[*]}\"; }\n"
        + "complete_at bulwark sna\n"
        + "complete_at bulwark backup --chu\n";
    List<String> lines = Tools.run(dir, java.util.Map.of(), "bash", "-c", probe).lines().toList();
    assertThat(lines).containsExactly("snapshots", "--chunk-size");
  }

  private static List<CommandLine> allCommands(CommandLine root) {
    List<CommandLine> all = new ArrayList<>();
    all.add(root);
    for (CommandLine sub : root.getSubcommands().values()) {
      if (!all.contains(sub)) {
        all.addAll(allCommands(sub));
      }
    }
    return all.stream().distinct().toList();
  }
}

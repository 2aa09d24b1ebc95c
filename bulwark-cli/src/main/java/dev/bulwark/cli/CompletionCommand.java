package dev.bulwark.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bulwark completion}: a shell completion script generated from the command model. */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = "Print a completion script for bash (also works in zsh after "
        + "`autoload -U bashcompinit && bashcompinit`). It completes commands, options and "
        + "file arguments.",
    footer = {"", "Examples:", "  source <(bulwark completion)          # this shell only",
        "  bulwark completion > /etc/bash_completion.d/bulwark"})
final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    // Generated from the live command tree, so it never lags behind new commands or options.
    String script = AutoComplete.bash("bulwark", spec.root().commandLine());
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
    return 0;
  }
}

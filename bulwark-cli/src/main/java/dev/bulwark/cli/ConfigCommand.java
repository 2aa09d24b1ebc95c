package dev.bulwark.cli;

import dev.bulwark.cli.config.ConfigOptions;
import dev.bulwark.cli.config.EffectiveConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bulwark config check}. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Work with the daemon's configuration file (bulwark.yml).",
    subcommands = {ConfigCommand.Check.class},
    footer = {"", "Example:", "  bulwark config check --config /etc/bulwark/bulwark.yml"})
final class ConfigCommand implements Runnable {
  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (check)");
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {"Validate the configuration and print it as `bulwark run` would use it: "
          + "every default filled in, each value set by a BULWARK_* variable or a flag marked "
          + "with where it came from. Paths to password, key and token files are shown, never "
          + "what is in them.",
          "Exits 0 when valid; 2 with one line naming the file, line and field when not."},
      footer = {"", "Examples:", "  bulwark config check",
          "  bulwark config check --config /etc/bulwark/bulwark.yml --json",
          "  BULWARK_DB_NODE_SCHEDULE_EVERY=5m bulwark config check --api-port 9000"})
  static final class Check implements Callable<Integer> {
    @Mixin ConfigOptions options;
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print the effective configuration as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      EffectiveConfig effective = options.resolve();
      ConfigReport report = new ConfigReport(effective);
      var out = spec.commandLine().getOut();
      if (json) {
        out.println(report.json());
      } else {
        out.print(report.text());
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}

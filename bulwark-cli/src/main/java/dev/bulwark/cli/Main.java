package dev.bulwark.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code bulwark} command. */
@Command(name = "bulwark", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Online backup and restore of embedded databases and the files that travel "
        + "with them, into encrypted restic-compatible repositories.",
    subcommands = {InitCommand.class, BackupCommand.class, SnapshotsCommand.class,
        RestoreCommand.class, DumpCommand.class, CheckCommand.class, InfoCommand.class,
        KeyCommand.class, CopyCommand.class,
        UnlockCommand.class, ForgetCommand.class, PruneCommand.class, ReplicateCommand.class,
        RunCommand.class, ConfigCommand.class, DemoCommand.class, CompletionCommand.class,
        CommandLine.HelpCommand.class},
    footer = {"", "Exit codes: 0 ok, 1 error, 2 usage, 3 backup incomplete, 10 no repository,",
        "11 repository locked, 12 wrong password, 130 interrupted.", "",
        "Example:", "  bulwark init --repo /backups/repo --password-file /etc/bulwark/pw",
        "  bulwark backup --repo /backups/repo --password-file /etc/bulwark/pw /srv/app/data"})
public final class Main implements Runnable {
  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
      description = "Log Bulwark's details (libraries stay at info), and print the stack trace"
          + " of an error.")
  boolean verbose;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line and returns the exit code; never exits the JVM. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(args, System.getenv(), out, err);
  }

  /**
   * Runs the command line with {@code env} in place of the process's environment (the
   * {@code BULWARK_*}, {@code AWS_*} and configuration variables) and returns the exit code;
   * never exits the JVM. Lets tests run many commands in one JVM.
   */
  public static int run(String[] args, Map<String, String> env, PrintWriter out,
      PrintWriter err) {
    List<String> argList = Arrays.asList(args);
    boolean verbose = argList.contains("-v") || argList.contains("--verbose");
    configureLogging(verbose, isDaemon(args));
    CommandLine cl = new CommandLine(new Main(), new EnvFactory(env));
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      report(ex, verbose, err);
      if (ex instanceof UsageException u && u.wantsHelpHint()) {
        err.println(helpHint(cmd));
        err.flush();
      }
      return ExitCodes.of(ex);
    });
    cl.setParameterExceptionHandler((ex, a) -> {
      err.println("bulwark: " + ex.getMessage());
      err.println(helpHint(ex.getCommandLine()));
      return ExitCodes.USAGE;
    });
    try {
      return cl.execute(args);
    } catch (OutOfMemoryError e) {
      // Picocli hands only exceptions to the handler above; an Error would end the JVM with a
      // stack trace. What the failed work held is unreachable by now, so one line fits.
      report(e, verbose, err);
      return ExitCodes.ERROR;
    }
  }

  private static String helpHint(CommandLine cmd) {
    return "Try `" + cmd.getCommandSpec().qualifiedName() + " --help`.";
  }

  static void report(Throwable ex, boolean verbose, PrintWriter err) {
    err.println("bulwark: " + Messages.oneLine(ex));
    if (verbose) {
      ex.printStackTrace(err);
    }
    err.flush();
  }

  /**
   * True for {@code bulwark run} and {@code bulwark replicate}, which run until stopped and
   * whose log (why a new generation started, retries) is their output: the first word that is
   * not an option is the command.
   */
  private static boolean isDaemon(String[] args) {
    for (String a : args) {
      if (!a.startsWith("-")) {
        return a.equals("run") || a.equals("replicate");
      }
    }
    return false;
  }

  private static void configureLogging(boolean verbose, boolean daemon) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      // A daemon's log is its output: one line per job start and end, at info. --verbose is
      // Bulwark's own debug log; the libraries stay at info (the S3 SDK's debug log prints
      // every request it signs: thousands of lines for one restore, and time spent on them).
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
          verbose || daemon ? "info" : "warn");
      if (verbose && System.getProperty("org.slf4j.simpleLogger.log.dev.bulwark") == null) {
        System.setProperty("org.slf4j.simpleLogger.log.dev.bulwark", "debug");
      }
    }
    if (daemon && System.getProperty("org.slf4j.simpleLogger.showDateTime") == null) {
      System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
      System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    }
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
  }

  /** Version from the jar manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"bulwark " + (v == null ? "dev" : v)};
    }
  }
}

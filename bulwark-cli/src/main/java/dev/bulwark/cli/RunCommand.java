package dev.bulwark.cli;

import dev.bulwark.cli.config.BulwarkConfig;
import dev.bulwark.cli.config.ConfigException;
import dev.bulwark.cli.config.ConfigOptions;
import dev.bulwark.cli.daemon.Daemon;
import dev.bulwark.cli.daemon.ProcessSignals;
import dev.bulwark.cli.daemon.RepositoryDaemons;
import dev.bulwark.cli.daemon.RunningDaemon;
import dev.bulwark.cli.http.ApiServer;
import java.io.IOException;
import java.time.Clock;
import dev.bulwark.core.job.CheckpointPolicy;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bulwark run}: the daemon, until SIGTERM or SIGINT. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run as a daemon: back up each database of the configuration file on its "
        + "schedule, verify its newest snapshot on another, and restore a missing database on "
        + "start (auto-restore). Jobs run one at a time; one log line (stderr) per job start "
        + "and end.",
        "The next backup of a database is due `every` after its newest snapshot in the "
        + "repository, so a restart neither adds nor skips a backup; with no snapshot it runs "
        + "at once. A RocksDB database must be closed (a service keeps its RocksDB open? back "
        + "it up through the library). A SQLite database with `stream:` is kept streaming "
        + "(restarted after a failure); on SIGTERM its pending transactions ship first.",
        "SIGTERM or SIGINT: the job in progress may finish within --stop-grace, then it is "
        + "interrupted at a safe point (an interrupted backup saves no snapshot and leaves a "
        + "valid repository), and the process exits 0. SIGHUP: re-read the configuration file; "
        + "if it is invalid the running configuration stays, with one log line saying why."},
    footer = {"", "Configuration (bulwark.yml):",
        "  repository: /backups/repo",
        "  password-file: /etc/bulwark/password",
        "  api: {port: 8750, token-file: /etc/bulwark/api-token}   # 127.0.0.1 by default",
        "  databases:",
        "    - name: app",
        "      kind: sqlite            # or rocksdb",
        "      path: /srv/app/app.db",
        "      files: [/srv/app/node.key]",
        "      schedule: {every: 1h}   # 30s, 15m, 1h, 1d",
        "      verify: {every: 1d}",
        "      auto-restore: true",
        "      stream: {sync-interval: 1s}   # SQLite: ship every transaction as it commits",
        "", "Example:", "  bulwark run --config /etc/bulwark/bulwark.yml",
        "  curl -H \"Authorization: Bearer $(cat /etc/bulwark/api-token)\" \\",
        "    -d '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"backup_now\"}' http://127.0.0.1:8750/rpc",
        "  kill -HUP $(pidof bulwark)   # reload after editing the file"})
final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Mixin ConfigOptions configOptions;

  @Option(names = "--stop-grace", paramLabel = "DURATION", defaultValue = "10s",
      description = "On SIGTERM/SIGINT, how long the job in progress may go on before it is "
          + "interrupted, e.g. 0s, 10s, 2m (default: ${DEFAULT-VALUE}).")
  String stopGrace;

  @Mixin StartupOptions startup;
  /** The jobs' checkpoint interval, and a sentinel file that makes every job yield. */
  @Mixin CheckpointOptions checkpoints;

  @Override
  public Integer call() throws Exception {
    Duration grace = parseGrace(stopGrace);
    CheckpointPolicy checkpointPolicy = checkpoints.policy();
    BulwarkConfig cfg = configOptions.load();
    CountDownLatch stop = new CountDownLatch(1);
    AtomicReference<RunningDaemon> running = new AtomicReference<>();
    // Before anything slow: a signal during start-up must already stop (or reload) cleanly.
    ProcessSignals.handle("TERM", stop::countDown);
    ProcessSignals.handle("INT", stop::countDown);
    ProcessSignals.handle("HUP", () -> reload(running.get()));
    // Reload reads the same file with the same variables and flags.
    // Databases that name several repositories get one daemon per repository.
    try (RunningDaemon daemon = cfg.hasSeveralRepositories()
            ? RepositoryDaemons.open(cfg, configOptions::load, Clock.systemUTC(), grace)
            : Daemon.open(cfg, configOptions::load, Clock.systemUTC(), grace);
        ApiServer api = cfg.api().enabled() ? new ApiServer(cfg.api(), daemon) : null) {
      daemon.startupPolicy(startup.policy());
      daemon.checkpoints(checkpointPolicy);
      running.set(daemon);
      // The API first: a "back up now" may come while auto-restores run; it queues behind them.
      if (api != null) {
        api.start();
        LOG.info("API listening on http://{}:{}/", cfg.api().host(), api.port());
      }
      daemon.start();
      LOG.info("bulwark running: {} database(s), repository {}, pid {}",
          cfg.databases().size(), cfg.hasSeveralRepositories() ? String.join(", ",
              RepositoryDaemons.repositoryNames(cfg)) : cfg.repository(),
          ProcessHandle.current().pid());
      stop.await();
      LOG.info("stopping");
      running.set(null);
    }
    LOG.info("stopped");
    return ExitCodes.OK;
  }

  private void reload(RunningDaemon daemon) {
    if (daemon == null) {
      LOG.warn("SIGHUP during start-up or stop ignored");
      return;
    }
    try {
      daemon.reload();
    } catch (ConfigException | IOException e) {
      LOG.warn("reload failed; keeping the running configuration: {}", Messages.oneLine(e));
    }
  }

  private static Duration parseGrace(String s) throws UsageException {
    var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)").matcher(s.strip());
    if (!m.matches()) {
      throw new UsageException("--stop-grace: '" + s + "' is not a duration like 0s, 10s or 2m");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      default -> Duration.ofMinutes(n);
    };
  }
}

package dev.bulwark.cli.daemon;

import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.stream.StartupPolicy;

/**
 * What {@code bulwark run} starts: a {@link Daemon} for one repository, or {@link
 * RepositoryDaemons} when databases go to several.
 */
public interface RunningDaemon extends DaemonControl, AutoCloseable {
  /** What the start-up check of each streamed database lets through; before {@link #start}. */
  void startupPolicy(StartupPolicy policy);

  /** The jobs' checkpoint interval and daemon-wide yield signal; before {@link #start}. */
  void checkpoints(CheckpointPolicy policy);

  /** Auto-restores, then streams and schedules. */
  void start();

  @Override
  void close();
}

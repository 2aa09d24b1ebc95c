package dev.bulwark.cli.http;

import dev.bulwark.cli.daemon.DaemonControl;
import dev.bulwark.cli.daemon.DaemonStatus;
import dev.bulwark.cli.daemon.JobHandle;
import dev.bulwark.core.repo.Snapshot;
import java.util.List;

/** A daemon that has only a status: what the metrics and pages show is a function of it. */
final class StatusOnlyDaemon implements DaemonControl {
  private final DaemonStatus status;

  private StatusOnlyDaemon(DaemonStatus status) {
    this.status = status;
  }

  static DaemonControl of(DaemonStatus status) {
    return new StatusOnlyDaemon(status);
  }

  @Override
  public JobHandle backupNow(String database) {
    throw new UnsupportedOperationException();
  }

  @Override
  public JobHandle verifyNow(String database) {
    throw new UnsupportedOperationException();
  }

  @Override
  public DaemonStatus status() {
    return status;
  }

  @Override
  public List<Snapshot> snapshots(String database) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void reload() {
    throw new UnsupportedOperationException();
  }
}

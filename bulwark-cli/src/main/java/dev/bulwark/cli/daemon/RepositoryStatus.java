package dev.bulwark.cli.daemon;

import java.util.List;

/**
 * One repository of a daemon that backs up to several, as the API and metrics show it: each
 * runs on its own, so one that fails does not stop the others.
 *
 * @param name its configured name ({@code default} for the top-level {@code repository})
 * @param location where it is (never a secret)
 * @param error why it is not open (unreachable, locked, wrong password), or null while open;
 *     the daemon tries again to open it
 * @param repositoryBytes total size of its files, as of its last job
 * @param snapshotCount snapshots in it, as of its last job
 * @param databases the databases backed up to it, with their schedule and results there
 */
public record RepositoryStatus(String name, String location, String error, long repositoryBytes,
    int snapshotCount, List<DatabaseStatus> databases) {
  public RepositoryStatus {
    databases = databases == null ? List.of() : List.copyOf(databases);
  }

  /** True while it is open. */
  public boolean isUp() {
    return error == null;
  }
}

package dev.bulwark.cli.daemon;

import java.time.Instant;
import java.util.List;

/**
 * The whole daemon, as the API and status page show it.
 *
 * @param started when this daemon process started
 * @param repository the repository location (never a secret)
 * @param repositoryBytes total size of the repository's files, as of the last job
 * @param snapshotCount snapshots in the repository, as of the last job
 * @param databases every configured database, in configuration order (with several
 *     repositories: each as it is in its first repository)
 * @param repositories with several repositories configured, each one and its databases there;
 *     empty with one repository
 */
public record DaemonStatus(Instant started, String repository, long repositoryBytes,
    int snapshotCount, List<DatabaseStatus> databases, List<RepositoryStatus> repositories) {

  public DaemonStatus {
    databases = List.copyOf(databases);
    repositories = repositories == null ? List.of() : List.copyOf(repositories);
  }

  /** The status of a daemon with one repository. */
  public DaemonStatus(Instant started, String repository, long repositoryBytes,
      int snapshotCount, List<DatabaseStatus> databases) {
    this(started, repository, repositoryBytes, snapshotCount, databases, null);
  }
}

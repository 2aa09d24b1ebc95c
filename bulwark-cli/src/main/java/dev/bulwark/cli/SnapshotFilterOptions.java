package dev.bulwark.cli;

import dev.bulwark.core.retention.SnapshotFilter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** restic's snapshot filters, {@code --host}, {@code --tag} and {@code --path}, as a mixin. */
final class SnapshotFilterOptions {
  @Option(names = "--host", paramLabel = "HOST", description = "Only consider snapshots of "
      + "this host (repeatable).")
  List<String> hosts = new ArrayList<>();

  @Option(names = "--tag", paramLabel = "TAGS", description = "Only consider snapshots carrying "
      + "all of these comma-separated tags (repeatable: any list matches).")
  List<String> tags = new ArrayList<>();

  @Option(names = "--path", paramLabel = "PATH", description = "Only consider snapshots "
      + "including this absolute path (repeatable: all must be included).")
  List<String> paths = new ArrayList<>();

  /** The filter the options describe; with none given, every snapshot passes. */
  SnapshotFilter filter() {
    return new SnapshotFilter(hosts, tags, paths);
  }
}

package dev.bulwark.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.repo.SnapshotJson;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bulwark snapshots}. */
@Command(name = "snapshots", mixinStandardHelpOptions = true,
    description = "List the snapshots in the repository, oldest first.",
    footer = {"", "Example:", "  bulwark snapshots --repo /backups/repo --json"})
final class SnapshotsCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  @Mixin RepoOptions repo;
  @Mixin NoLockOption noLock;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--json", description = "Print JSON as `restic snapshots --json` does.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    List<Snapshot> all;
    try (Repository r = repo.open(false); Lock lock = noLock.lock(r, false)) {
      all = r.snapshots();
    }
    var out = spec.commandLine().getOut();
    if (json) {
      StringWriter sw = new StringWriter();
      try (JsonGenerator g = new ObjectMapper().getFactory().createGenerator(sw)) {
        g.writeStartArray();
        for (Snapshot s : all) {
          SnapshotJson.writeListing(s, g);
        }
        g.writeEndArray();
      }
      out.println(sw);
      return 0;
    }
    String fmt = "%-8s  %-19s  %-12s  %-20s  %s%n";
    out.printf(fmt, "ID", "Time", "Host", "Tags", "Paths");
    out.println("-".repeat(80));
    for (Snapshot s : all) {
      out.printf(fmt, s.id().shortForm(), TIME.format(s.time()), s.hostname(),
          String.join(",", s.tags()), String.join(", ", s.paths()));
    }
    out.println("-".repeat(80));
    out.println(all.size() + " snapshot" + (all.size() == 1 ? "" : "s"));
    return 0;
  }
}

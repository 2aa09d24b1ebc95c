package dev.bulwark.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.core.repo.DatabaseTags;
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
  private static final java.util.regex.Pattern MEMBER_TAG =
      java.util.regex.Pattern.compile("bulwark:[0-9]+\\..*", java.util.regex.Pattern.DOTALL);
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
          writeListing(s, g);
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
      List<DatabaseTags> members = GroupMembers.of(s);
      List<String> shown = members.isEmpty() ? s.tags()
          : s.tags().stream().filter(t -> !MEMBER_TAG.matcher(t).matches()).toList();
      out.printf(fmt, s.id().shortForm(), TIME.format(s.time()), s.hostname(),
          String.join(",", shown), String.join(", ", s.paths()));
      for (int i = 0; i < members.size(); i++) {
        DatabaseTags m = members.get(i);
        out.printf("%10s member %d: %s %s%s%n", "", i + 1, m.kind(), m.path(),
            m.properties().isEmpty() ? "" : " (" + facts(m) + ")");
      }
    }
    out.println("-".repeat(80));
    out.println(all.size() + " snapshot" + (all.size() == 1 ? "" : "s"));
    return 0;
  }

  private static String facts(DatabaseTags m) {
    StringBuilder sb = new StringBuilder();
    m.properties().forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k)
        .append('=').append(v));
    return sb.toString();
  }

  /**
   * Writes {@code s} as restic's listing does; a group snapshot also gets {@code group} and
   * {@code members} (kind, path, facts), so a script need not parse the member tags.
   */
  private static void writeListing(Snapshot s, JsonGenerator g) throws java.io.IOException {
    if (GroupMembers.of(s).isEmpty()) {
      SnapshotJson.writeListing(s, g);
      return;
    }
    ObjectMapper m = new ObjectMapper();
    StringWriter sw = new StringWriter();
    try (JsonGenerator one = m.getFactory().createGenerator(sw)) {
      SnapshotJson.writeListing(s, one);
    }
    ObjectNode node = (ObjectNode) m.readTree(sw.toString());
    GroupMembers.putJson(node, s);
    m.writeTree(g, node);
  }
}

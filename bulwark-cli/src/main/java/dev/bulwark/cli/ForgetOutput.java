package dev.bulwark.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.repo.SnapshotJson;
import dev.bulwark.core.retention.ForgetGroup;
import dev.bulwark.core.retention.ForgetPlan;
import dev.bulwark.core.retention.GroupKey;
import dev.bulwark.core.retention.KeptSnapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** How {@code bulwark forget} shows a plan: per group tables, or restic's JSON. */
final class ForgetOutput {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
  private static final String ROW = "%-8s  %-19s  %-12s  %-16s  %-18s  %s%n";

  private final PrintWriter out;
  private final boolean dryRun;

  ForgetOutput(PrintWriter out, boolean dryRun) {
    this.out = out;
    this.dryRun = dryRun;
  }

  /** Per group: a heading, the kept snapshots with their reasons, the removed ones. */
  void printPlan(ForgetPlan plan) {
    for (ForgetGroup g : plan.groups()) {
      String heading = heading(g.key());
      if (!heading.isEmpty()) {
        out.println("snapshots for " + heading + ":");
      }
      if (!g.keep().isEmpty()) {
        out.printf("keep %d snapshot%s:%n", g.keep().size(), plural(g.keep().size()));
        header("Reasons");
        for (KeptSnapshot k : oldestFirst(g.keep())) {
          List<String> reasons = k.reasons();
          row(k.snapshot(), reasons.get(0));
          for (String more : reasons.subList(1, reasons.size())) {
            out.printf(ROW, "", "", "", "", more, "");
          }
        }
        out.println();
      }
      if (!g.remove().isEmpty()) {
        out.printf("%s %d snapshot%s:%n", dryRun ? "would remove" : "remove", g.remove().size(),
            plural(g.remove().size()));
        header("");
        for (Snapshot s : oldestFirst(g.remove())) {
          row(s, "");
        }
        out.println();
      }
    }
  }

  /** One line: how many were kept and removed. */
  void printSummary(ForgetPlan plan) {
    int kept = plan.kept().size();
    int removed = plan.removed().size();
    if (dryRun) {
      out.printf("dry run: would keep %d snapshot%s and remove %d; nothing was removed%n", kept,
          plural(kept), removed);
    } else {
      out.printf("kept %d snapshot%s, removed %d%n", kept, plural(kept), removed);
    }
  }

  private void header(String reasons) {
    out.printf(ROW, "ID", "Time", "Host", "Tags", reasons, "Paths");
    out.println("-".repeat(100));
  }

  private void row(Snapshot s, String reason) {
    out.printf(ROW, s.id().shortForm(), TIME.format(s.time()), s.hostname(),
        String.join(",", s.tags()), reason, String.join(", ", s.paths()));
  }

  private static String heading(GroupKey k) {
    List<String> parts = new ArrayList<>();
    if (!k.host().isEmpty()) {
      parts.add("host [" + k.host() + "]");
    }
    if (!k.paths().isEmpty()) {
      parts.add("paths [" + String.join(", ", k.paths()) + "]");
    }
    if (!k.tags().isEmpty()) {
      parts.add("tags [" + String.join(", ", k.tags()) + "]");
    }
    return String.join(", ", parts);
  }

  /** Plans list newest first; tables read oldest first, as {@code snapshots} does. */
  private static <T> List<T> oldestFirst(List<T> newestFirst) {
    List<T> out = new ArrayList<>(newestFirst);
    java.util.Collections.reverse(out);
    return out;
  }

  private static String plural(int n) {
    return n == 1 ? "" : "s";
  }

  /**
   * restic 0.14's {@code forget --json}: an array of groups with {@code tags}, {@code host},
   * {@code paths}, {@code keep}, {@code remove} and {@code reasons} (each reason holding the
   * snapshot without its id, and {@code matches}); empty lists are {@code null}, as Go prints
   * them. restic's per-reason {@code counters} are not written.
   */
  static String json(ForgetPlan plan) {
    StringWriter sw = new StringWriter();
    try (JsonGenerator g = new ObjectMapper().getFactory().createGenerator(sw)) {
      g.writeStartArray();
      for (ForgetGroup group : plan.groups()) {
        g.writeStartObject();
        writeStrings(g, "tags", group.key().tags());
        g.writeStringField("host", group.key().host());
        writeStrings(g, "paths", group.key().paths());
        List<Snapshot> kept = group.keep().stream().map(KeptSnapshot::snapshot).toList();
        writeSnapshots(g, "keep", kept);
        writeSnapshots(g, "remove", group.remove());
        g.writeFieldName("reasons");
        if (group.keep().isEmpty()) {
          g.writeNull();
        } else {
          g.writeStartArray();
          for (KeptSnapshot k : group.keep()) {
            g.writeStartObject();
            g.writeFieldName("snapshot");
            g.writeRawValue(new String(k.snapshot().toJson(), StandardCharsets.UTF_8));
            writeStrings(g, "matches", k.reasons());
            g.writeEndObject();
          }
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sw.toString();
  }

  private static void writeStrings(JsonGenerator g, String name, List<String> values)
      throws IOException {
    g.writeFieldName(name);
    if (values.isEmpty()) {
      g.writeNull();
      return;
    }
    g.writeStartArray();
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  private static void writeSnapshots(JsonGenerator g, String name, List<Snapshot> list)
      throws IOException {
    g.writeFieldName(name);
    if (list.isEmpty()) {
      g.writeNull();
      return;
    }
    g.writeStartArray();
    for (Snapshot s : list) {
      SnapshotJson.writeListing(s, g);
    }
    g.writeEndArray();
  }
}

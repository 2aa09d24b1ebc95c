package dev.bulwark.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Snapshot;
import java.util.List;

/** How {@code snapshots} and {@code info} show the databases of a snapshot, a group's members. */
final class GroupMembers {
  private GroupMembers() {}

  /** The members of a group snapshot, in member order; none for any other snapshot. */
  static List<DatabaseTags> of(Snapshot s) {
    return DatabaseTags.fromTags(s.tags()).isPresent() ? List.of()
        : DatabaseTags.members(s.tags());
  }

  /**
   * Adds a group snapshot's {@code group} (its name, if it has one) and {@code members} (kind,
   * path and facts of each) to {@code node}, so a script need not parse the member tags; adds
   * nothing for any other snapshot.
   */
  static void putJson(ObjectNode node, Snapshot s) {
    if (DatabaseTags.fromTags(s.tags()).isPresent()) {
      return;
    }
    DatabaseTags.group(s.tags()).ifPresent(name -> node.put("group", name));
    List<DatabaseTags> members = DatabaseTags.members(s.tags());
    if (members.isEmpty()) {
      return;
    }
    ArrayNode list = node.putArray("members");
    for (DatabaseTags db : members) {
      putDatabase(list.addObject(), db);
    }
  }

  /** A database as {@code info} and {@code snapshots} print it: kind, path, then its facts. */
  static void putDatabase(ObjectNode d, DatabaseTags db) {
    d.put("kind", db.kind());
    d.put("path", db.path());
    db.properties().forEach(d::put);
  }
}

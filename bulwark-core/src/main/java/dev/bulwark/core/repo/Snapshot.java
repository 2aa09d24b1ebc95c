package dev.bulwark.core.repo;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One snapshot: when, of what, from where, and its root tree. Written with restic's field
 * names and order; anything Bulwark needs beyond restic's fields goes into {@code tags}, since
 * restic drops unknown fields when it rewrites a snapshot.
 *
 * @param id the storage id once saved or loaded; null for a snapshot not yet saved
 * @param time when the snapshot was taken
 * @param parent the snapshot whose unchanged files this one reused; null if none
 * @param tree the id of the root tree, which names everything backed up
 * @param paths the absolute paths backed up
 * @param hostname the host it was taken on; {@code latest} and retention choose by it
 * @param username the user who ran the backup
 * @param uid that user's id
 * @param gid that user's group id
 * @param excludes restic's exclude patterns; Bulwark records none
 * @param tags the tags, among them Bulwark's database tags ({@code bulwark:kind=...})
 * @param original the snapshot this one is a copy or rewrite of (restic's {@code original}); null
 *     if none
 * @param offset the UTC offset the time was written with: restic writes local time with its
 *     offset, Bulwark writes UTC ({@code Z}); restic buckets {@code forget} by this offset, so
 *     it is kept to do the same
 */
public record Snapshot(@Nullable Id id, Instant time, @Nullable Id parent, Id tree,
    List<String> paths, String hostname, String username, long uid, long gid,
    List<String> excludes, List<String> tags, @Nullable Id original, ZoneOffset offset) {

  /**
   * Checks the time and tree are given; missing lists, names and offset become empty (UTC).
   *
   * @param id the storage id once saved or loaded; null for a snapshot not yet saved
   * @param time when the snapshot was taken
   * @param parent the snapshot whose unchanged files this one reused; null if none
   * @param tree the id of the root tree, which names everything backed up
   * @param paths the absolute paths backed up
   * @param hostname the host it was taken on; {@code latest} and retention choose by it
   * @param username the user who ran the backup
   * @param uid that user's id
   * @param gid that user's group id
   * @param excludes restic's exclude patterns; Bulwark records none
   * @param tags the tags, among them Bulwark's database tags ({@code bulwark:kind=...})
   * @param original the snapshot this one is a copy or rewrite of (restic's {@code original}); null
   *     if none
   * @param offset the UTC offset the time was written with: restic writes local time with its
   *     offset, Bulwark writes UTC ({@code Z}); restic buckets {@code forget} by this offset, so it
   *     is kept to do the same
   * @throws IllegalArgumentException if the time or the tree is missing
   */
  public Snapshot {
    if (time == null || tree == null) {
      throw new IllegalArgumentException("a snapshot needs a time and a tree");
    }
    offset = offset == null ? ZoneOffset.UTC : offset;
    paths = paths == null ? List.of() : List.copyOf(paths);
    excludes = excludes == null ? List.of() : List.copyOf(excludes);
    tags = tags == null ? List.of() : List.copyOf(tags);
    hostname = hostname == null ? "" : hostname;
    username = username == null ? "" : username;
  }

  /**
   * A snapshot whose time is in UTC.
   *
   * @param id the storage id once saved or loaded; null for a snapshot not yet saved
   * @param time when the snapshot was taken
   * @param tree the id of the root tree
   * @param paths the absolute paths backed up
   * @param hostname the host it was taken on
   * @param username the user who ran the backup
   * @param uid that user's id
   * @param gid that user's group id
   * @param parent the snapshot whose unchanged files this one reused; null if none
   * @param excludes restic's exclude patterns
   * @param tags the tags
   * @param original the snapshot this one is a copy of; null if none
   */
  public Snapshot(Id id, Instant time, Id parent, Id tree, List<String> paths, String hostname,
      String username, long uid, long gid, List<String> excludes, List<String> tags,
      Id original) {
    this(id, time, parent, tree, paths, hostname, username, uid, gid, excludes, tags, original,
        ZoneOffset.UTC);
  }

  /**
   * The snapshot's time in the offset it was written with.
   *
   * @return the time with its offset, as restic shows it
   */
  public OffsetDateTime localTime() {
    return time.atOffset(offset);
  }

  /**
   * A new, unsaved snapshot.
   *
   * @param time when the snapshot was taken
   * @param tree the id of the root tree
   * @param paths the absolute paths backed up
   * @param hostname the host it was taken on
   * @param username the user who ran the backup
   * @param uid that user's id
   * @param gid that user's group id
   * @param tags the tags
   * @param parent the snapshot whose unchanged files this one reused; null if none
   * @return the snapshot, with no id until it is saved
   */
  public static Snapshot create(Instant time, Id tree, List<String> paths, String hostname,
      String username, long uid, long gid, List<String> tags, Id parent) {
    return new Snapshot(null, time, parent, tree, paths, hostname, username, uid, gid, List.of(),
        tags, null);
  }

  /** This snapshot, carrying its storage id. */
  Snapshot withId(Id storageId) {
    return new Snapshot(storageId, time, parent, tree, paths, hostname, username, uid, gid,
        excludes, tags, original, offset);
  }

  /**
   * The JSON restic writes for a snapshot (without the id, which is the file's name).
   *
   * @return the JSON bytes, UTF-8
   */
  public byte[] toJson() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
      writeFields(g);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  /** The stored fields plus {@code id} and {@code short_id}: {@link SnapshotJson#writeListing}. */
  void writeListingJson(JsonGenerator g) throws IOException {
    g.writeStartObject();
    writeBody(g);
    if (id != null) {
      g.writeStringField("id", id.toString());
      g.writeStringField("short_id", id.shortForm());
    }
    g.writeEndObject();
  }

  private void writeFields(JsonGenerator g) throws IOException {
    g.writeStartObject();
    writeBody(g);
    g.writeEndObject();
  }

  private void writeBody(JsonGenerator g) throws IOException {
    g.writeStringField("time", Json.time(localTime()));
    if (parent != null) {
      g.writeStringField("parent", parent.toString());
    }
    g.writeStringField("tree", tree.toString());
    writeList(g, "paths", paths, true);
    if (!hostname.isEmpty()) {
      g.writeStringField("hostname", hostname);
    }
    if (!username.isEmpty()) {
      g.writeStringField("username", username);
    }
    if (uid != 0) {
      g.writeNumberField("uid", uid);
    }
    if (gid != 0) {
      g.writeNumberField("gid", gid);
    }
    writeList(g, "excludes", excludes, false);
    writeList(g, "tags", tags, false);
    if (original != null) {
      g.writeStringField("original", original.toString());
    }
  }

  private static void writeList(JsonGenerator g, String name, List<String> values,
      boolean always) throws IOException {
    if (values.isEmpty() && !always) {
      return;
    }
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  static Snapshot parse(Id id, byte[] json) throws CorruptionException {
    String what = "snapshot " + id.shortForm();
    try {
      JsonNode n = Json.MAPPER.readTree(json);
      OffsetDateTime time = Json.parseTime(n.path("time").asText());
      return new Snapshot(id, time.toInstant(), optionalId(n, "parent"),
          Id.parse(n.path("tree").asText()), strings(n.path("paths")),
          n.path("hostname").asText(""), n.path("username").asText(""), n.path("uid").asLong(),
          n.path("gid").asLong(), strings(n.path("excludes")), strings(n.path("tags")),
          optionalId(n, "original"), time.getOffset());
    } catch (IOException | RuntimeException e) {
      throw new CorruptionException(what + ": not a valid snapshot: " + e.getMessage(), e);
    }
  }

  private static Id optionalId(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() || v.asText().isEmpty() ? null : Id.parse(v.asText());
  }

  private static List<String> strings(JsonNode arr) {
    List<String> out = new ArrayList<>();
    for (JsonNode s : arr) {
      out.add(s.asText());
    }
    return out;
  }
}

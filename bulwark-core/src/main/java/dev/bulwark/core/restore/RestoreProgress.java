package dev.bulwark.core.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.core.Id;
import dev.bulwark.core.fs.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * How far a restore into a folder got: the first {@link #filesDone} files of the snapshot, in
 * the order the restore walks them (the trees' byte order), were written, fsynced and renamed
 * into place from blobs verified against their ids. Kept beside the target as {@code
 * .NAME.bulwark-restore} (0600, written atomically, so a reader at any instant sees the
 * previous record or the next) and removed when the restore completes.
 *
 * <p>A file counts as done on resume only if it is still what was written: a regular file of
 * the snapshot's size and modification time whose status change time (ctime, which no user
 * can set back) is older than the record's own. Anything written to the file after the
 * record was, even with its modification time put back, is restored again.
 *
 * @param snapshot the snapshot restored
 * @param includes the snapshot paths selected
 * @param filesDone files done, counted in walk order
 */
record RestoreProgress(Id snapshot, List<String> includes, long filesDone) {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int VERSION = 1;
  private static final String SUFFIX = ".bulwark-restore";

  RestoreProgress {
    includes = List.copyOf(includes);
    if (filesDone < 0) {
      throw new IllegalArgumentException("files done cannot be negative");
    }
  }

  /** The record file of a restore into {@code target}, or null for a target with no parent. */
  static Path fileFor(Path target) {
    Path abs = target.toAbsolutePath().normalize();
    if (abs.getParent() == null || abs.getFileName() == null) {
      return null;
    }
    return abs.resolveSibling("." + AtomicFiles.siblingBase(abs, SUFFIX.length() + 1)
        + SUFFIX);
  }

  /** The record in {@code file} with its ctime, or null if none or unusable (start over). */
  static Loaded load(Path file) throws IOException {
    byte[] json;
    FileTime ctime;
    try {
      json = Files.readAllBytes(file);
      ctime = (FileTime) Files.getAttribute(file, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      // Missing, or unreadable: nothing is skipped, which is never wrong.
      return null;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      // Without ctime no file can be shown unchanged since: nothing is skipped.
      return null;
    }
    try {
      return new Loaded(parse(json), ctime);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** A record read back, with the status change time of its file. */
  record Loaded(RestoreProgress progress, FileTime ctime) {}

  static RestoreProgress parse(byte[] json) throws IOException {
    JsonNode n = MAPPER.readTree(json);
    if (n == null || n.path("version").asInt() != VERSION) {
      throw new IOException("not a version " + VERSION + " restore progress record");
    }
    List<String> includes = new ArrayList<>();
    n.get("includes").forEach(i -> includes.add(i.asText()));
    return new RestoreProgress(Id.parse(n.get("snapshot").asText()), includes,
        n.get("files_done").asLong());
  }

  byte[] toJson() throws IOException {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("version", VERSION);
    n.put("snapshot", snapshot.toString());
    includes.forEach(n.putArray("includes")::add);
    n.put("files_done", filesDone);
    return MAPPER.writeValueAsString(n).getBytes(StandardCharsets.UTF_8);
  }

  void save(Path file) throws IOException {
    byte[] json = toJson();
    AtomicFiles.write(file, json, 0, json.length);
  }
}

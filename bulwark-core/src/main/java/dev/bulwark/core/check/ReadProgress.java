package dev.bulwark.core.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.core.Id;
import dev.bulwark.core.fs.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How far a {@code check --read-data} of one repository got: every pack up to {@link #cursor}
 * (in ascending id order) was read and verified against the index files {@link #indexFiles}
 * that described the repository then, with the problems found in them. Index files are named
 * by the hash of their content, so a pack described now by one of those same files, at or
 * before the cursor, was verified against exactly this description and need not be read again;
 * every other pack (new, or described by a new index file) is read.
 *
 * <p>Kept in a local state folder, not in the repository: a check may run without a lock on
 * read-only media, and what this machine has read is this machine's business. One JSON file
 * per repository id, written atomically (0600, in a 0700 folder), so a reader at any instant
 * sees the previous record or the next one.
 *
 * @param repository the repository's id (its config)
 * @param indexFiles the index files read when the verified packs were read
 * @param cursor the last pack of the verified prefix
 * @param errors problems found in the verified packs, by pack
 */
record ReadProgress(String repository, Set<Id> indexFiles, Id cursor,
    Map<Id, List<String>> errors) {
  /** The variable that names the state folder, before XDG's. */
  static final String STATE_DIR_ENV = "BULWARK_STATE_DIR";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int VERSION = 1;

  ReadProgress {
    indexFiles = Set.copyOf(indexFiles);
    Map<Id, List<String>> copy = new LinkedHashMap<>();
    errors.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    errors = Map.copyOf(copy);
  }

  /**
   * The state folder of {@code env}: {@code $BULWARK_STATE_DIR}, else {@code
   * $XDG_STATE_HOME/bulwark}, else {@code ~/.local/state/bulwark}.
   */
  static Path stateFolder(Map<String, String> env) {
    String own = env.get(STATE_DIR_ENV);
    if (own != null && !own.isBlank()) {
      return Path.of(own);
    }
    String xdg = env.get("XDG_STATE_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "bulwark");
    }
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    return Path.of(home, ".local", "state", "bulwark");
  }

  /** The record file of the repository {@code repositoryId} in {@code folder}. */
  static Path file(Path folder, String repositoryId) {
    if (!repositoryId.matches("[0-9a-f]{1,128}")) {
      throw new IllegalArgumentException("not a repository id: " + repositoryId);
    }
    return folder.resolve("check-read-data-" + repositoryId + ".json");
  }

  /**
   * The record in {@code file}, or null if there is none or it cannot be used (damaged, another
   * version): a check then reads every pack, which is never wrong.
   */
  static ReadProgress load(Path file) throws IOException {
    byte[] json;
    try {
      json = Files.readAllBytes(file);
    } catch (IOException e) {
      // Missing, or unreadable: nothing is skipped, which is never wrong.
      return null;
    }
    try {
      return parse(json);
    } catch (IOException | IllegalArgumentException | NullPointerException e) {
      return null;
    }
  }

  static ReadProgress parse(byte[] json) throws IOException {
    JsonNode n = MAPPER.readTree(json);
    if (n == null || n.path("version").asInt() != VERSION) {
      throw new IOException("not a version " + VERSION + " check progress record");
    }
    Set<Id> files = new TreeSet<>();
    for (JsonNode f : n.get("index_files")) {
      files.add(Id.parse(f.asText()));
    }
    Map<Id, List<String>> errors = new LinkedHashMap<>();
    for (JsonNode e : n.get("errors")) {
      errors.computeIfAbsent(Id.parse(e.get("pack").asText()), k -> new ArrayList<>())
          .add(e.get("error").asText());
    }
    return new ReadProgress(n.get("repository").asText(), files,
        Id.parse(n.get("cursor").asText()), errors);
  }

  byte[] toJson() throws IOException {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("version", VERSION);
    n.put("repository", repository);
    ArrayNode files = n.putArray("index_files");
    new TreeSet<>(indexFiles).forEach(f -> files.add(f.toString()));
    n.put("cursor", cursor.toString());
    ArrayNode errs = n.putArray("errors");
    errors.forEach((pack, list) -> list.forEach(e ->
        errs.addObject().put("pack", pack.toString()).put("error", e)));
    return MAPPER.writeValueAsString(n).getBytes(StandardCharsets.UTF_8);
  }

  /** Writes this record to {@code file} atomically, creating its folder (0700) if needed. */
  void save(Path file) throws IOException {
    AtomicFiles.createDirectories(file.toAbsolutePath().getParent());
    byte[] json = toJson();
    AtomicFiles.write(file, json, 0, json.length);
  }
}

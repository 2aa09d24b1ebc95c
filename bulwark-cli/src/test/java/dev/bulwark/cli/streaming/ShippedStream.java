package dev.bulwark.cli.streaming;

import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.stream.PageSetChecksum;
import dev.bulwark.core.stream.Segment;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.SegmentStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a replicator shipped into a local repository, read back through the real segment store:
 * the test oracle of the replicate command, the daemon's streams and the demo. The newest
 * generation's last segment must end at the checksum of the database as it is once the writer
 * has stopped and the database is checkpointed.
 */
public final class ShippedStream {
  private ShippedStream() {}

  /** Every generation folder under {@code repo/bulwark/streams/<id>/}, oldest name first. */
  public static List<Path> generations(Path repoDir) throws IOException {
    Path streams = repoDir.resolve("bulwark/streams");
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(streams)) {
      return out;
    }
    try (Stream<Path> ids = Files.list(streams)) {
      for (Path id : ids.sorted().toList()) {
        try (Stream<Path> gens = Files.list(id)) {
          out.addAll(gens.filter(Files::isDirectory).sorted().toList());
        }
      }
    }
    return out;
  }

  /** The segments of the newest generation (by name), in position order. */
  public static List<SegmentRef> newestSegments(Path repoDir, String password) throws Exception {
    List<Path> gens = generations(repoDir);
    if (gens.isEmpty()) {
      return List.of();
    }
    Path gen = gens.get(gens.size() - 1);
    try (Repository r = open(repoDir, password)) {
      return new SegmentStore(r).list(gen.getParent().getFileName().toString(),
          Long.parseUnsignedLong(gen.getFileName().toString(), 16));
    }
  }

  /** The newest generation's segment that ends last, loaded and authenticated. */
  public static Segment lastSegment(Path repoDir, String password) throws Exception {
    List<SegmentRef> refs = newestSegments(repoDir, password);
    if (refs.isEmpty()) {
      throw new AssertionError("no segment shipped under " + repoDir.resolve("bulwark/streams"));
    }
    SegmentRef last = refs.stream().max((a, b) -> Long.compare(a.lastTxid(), b.lastTxid()))
        .orElseThrow();
    try (Repository r = open(repoDir, password)) {
      return new SegmentStore(r).load(last);
    }
  }

  /**
   * The checksum of the database at {@code db} once everything in its WAL is in the main file:
   * checkpoints it (TRUNCATE) on a fresh connection, then hashes every page of the file. Call
   * it after the writer and the replicator have stopped.
   */
  public static PageSetChecksum checkpointedChecksum(Path db) throws Exception {
    int pageSize;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("pragma wal_checkpoint(TRUNCATE)");
      try (ResultSet rs = s.executeQuery("pragma page_size")) {
        pageSize = rs.getInt(1);
      }
    }
    PageSetChecksum sum = PageSetChecksum.empty();
    byte[] page = new byte[pageSize];
    try (InputStream in = Files.newInputStream(db)) {
      for (long n = 1; in.readNBytes(page, 0, pageSize) == pageSize; n++) {
        sum = sum.with(n, page);
      }
    }
    return sum;
  }

  private static Repository open(Path repoDir, String password) throws Exception {
    return Repository.open(LocalBackend.open(repoDir),
        password.getBytes(StandardCharsets.UTF_8));
  }
}

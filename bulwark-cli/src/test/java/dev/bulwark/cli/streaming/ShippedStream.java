package dev.bulwark.cli.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.Restorer;
import dev.bulwark.core.stream.Page;
import dev.bulwark.core.stream.PageSetChecksum;
import dev.bulwark.core.stream.Segment;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.SegmentStore;
import dev.bulwark.core.stream.StreamTags;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a replicator shipped into a local repository, read back through the real segment store:
 * the test oracle of the replicate command and the daemon's streams. Once the writer has
 * stopped, the database the stream rebuilds ({@link #replayed}) must hold exactly the rows of
 * the real one and pass {@code integrity_check}. (The real file itself may differ in page 1's
 * change counters, which SQLite's backup API sets in the snapshot that starts a generation, so
 * its bytes are no oracle.)
 */
public final class ShippedStream {
  private ShippedStream() {}

  /** Every generation folder under {@code repo/bulwark/streams/<id>/}, oldest name first. */
  /** How many segment files the local repository at {@code repoDir} holds, of any stream. */
  public static int segmentCount(Path repoDir) throws IOException {
    Path streams = repoDir.resolve("bulwark/streams");
    if (!Files.exists(streams)) {
      return 0;
    }
    try (var files = Files.walk(streams)) {
      return (int) files.filter(f -> f.toString().endsWith(".seg")).count();
    }
  }

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
   * Asserts that the stream in {@code repoDir} holds exactly the database at {@code db}: the
   * database it rebuilds passes {@code integrity_check}, holds the same rows, and hashes to the
   * last segment's checksum. Call it once the writer and the replicator have stopped.
   */
  public static void assertHolds(Path repoDir, String password, Path db, Path work)
      throws Exception {
    Path file = replayed(repoDir, password, work);
    assertThat(integrity(file)).isEqualTo("ok");
    List<String> rebuilt = rows(file);
    List<String> live = rows(db);
    assertThat(rebuilt.size()).as("rows rebuilt from the stream").isEqualTo(live.size());
    assertThat(rebuilt).as("rows rebuilt from the stream").isEqualTo(live);
  }

  /**
   * The database as the stream holds it, rebuilt independently of Bulwark's restore: the newest
   * generation's starting snapshot restored as plain files, then every segment's pages written
   * in position order (one chain from position 1, each segment starting from the checksum the
   * one before ended at) and the file cut to the last segment's size.
   *
   * @return the rebuilt database file, under {@code work}
   */
  public static Path replayed(Path repoDir, String password, Path work) throws Exception {
    try (Repository r = open(repoDir, password)) {
      Snapshot base = null;
      StreamTags start = null;
      for (Snapshot s : r.snapshots()) {
        StreamTags t = DatabaseTags.fromTags(s.tags()).flatMap(StreamTags::of).orElse(null);
        // Generation ids start with their start time: the greatest is the newest.
        if (t != null && t.txid() == 0 && (start == null
            || Long.compareUnsigned(t.generation(), start.generation()) > 0)) {
          base = s;
          start = t;
        }
      }
      if (base == null) {
        throw new AssertionError("no snapshot starts a generation in " + repoDir);
      }
      Path target = work.resolve("replayed");
      new Restorer(r, 2, new Progress()).restore(base, target, List.of());
      Path file;
      try (Stream<Path> all = Files.walk(target)) {
        file = all.filter(Files::isRegularFile).findFirst().orElseThrow();
      }
      long next = 1;
      SegmentStore store = new SegmentStore(r);
      PageSetChecksum expected = start.checksum();
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        for (SegmentRef ref : store.list(start.databaseId(), start.generation())) {
          if (ref.firstTxid() != next) {
            continue; // a merged segment beside the small ones it covers
          }
          Segment seg = store.load(ref);
          assertThat(seg.before()).as(ref + " continues the chain").isEqualTo(expected);
          for (Page p : seg.pages()) {
            ch.write(ByteBuffer.wrap(p.bytes()), (p.number() - 1) * seg.pageSize());
          }
          ch.truncate(seg.pageCount() * seg.pageSize());
          next = seg.lastTxid() + 1;
          expected = seg.after();
        }
      }
      return file;
    }
  }

  /** Every row of {@code t}, in id order, as {@code id:hex(x)}: what the database holds. */
  public static List<String> rows(Path db) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select id, hex(x) from t order by id")) {
      while (rs.next()) {
        out.add(rs.getLong(1) + ":" + rs.getString(2));
      }
    }
    return out;
  }

  /** SQLite's {@code integrity_check} of {@code db}: {@code ok} when it is sound. */
  public static String integrity(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("pragma integrity_check")) {
      return rs.getString(1);
    }
  }

  /** The checksum of every page of {@code file} as it is, page size {@code pageSize}. */
  public static PageSetChecksum fileChecksum(Path file, int pageSize) throws IOException {
    PageSetChecksum sum = PageSetChecksum.empty();
    byte[] page = new byte[pageSize];
    try (InputStream in = Files.newInputStream(file)) {
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

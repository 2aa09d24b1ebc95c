package dev.bulwark.core.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.Id;
import dev.bulwark.core.Progress;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.testing.Backups;
import dev.bulwark.core.tree.Node;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore onto an existing database reuses the ranges whose SHA-256 matches the snapshot's
 * blob ids and fetches only the rest; the result is the snapshot's bytes whatever the existing
 * file holds.
 */
class DeltaRestoreTest {
  private static final int CHUNK = 64 * 1024;
  @TempDir Path dir;

  private Repository repo() throws Exception {
    return Repository.init(LocalBackend.open(dir.resolve("repo")), "pw".getBytes(),
        new Kdf.Params(1024, 8, 1));
  }

  private static Snapshot backup(Repository r, Path source, String kind) throws Exception {
    return Backups.underLock(r, new Archiver(r, BackupOptions.defaults().withChunkBytes(CHUNK)
        .withTags(new DatabaseTags(kind, source.toString(), Map.of()).toTags()),
        new Progress()), List.of(FileSource.of(source))).snapshot();
  }

  /** Random letters: the test's database kind verifies its file as text. */
  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    Random rnd = new Random(seed);
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ('a' + rnd.nextInt(26));
    }
    return b;
  }

  /** The bytes of the blobs of {@code node} that overlap {@code [from, to)}. */
  private static long bytesOfBlobsOver(Repository r, Node node, long from, long to) {
    long pos = 0;
    long sum = 0;
    for (Id id : node.content()) {
      int len = r.index().find(BlobType.DATA, id).orElseThrow().blob().plaintextLength();
      if (pos < to && pos + len > from) {
        sum += len;
      }
      pos += len;
    }
    return sum;
  }

  @Test
  void restoringAnOlderSnapshotOntoTheNewerDatabaseFetchesOnlyTheChangedChunks()
      throws Exception {
    Path db = dir.resolve("app.txt");
    byte[] older = random(3 * 1024 * 1024, 1);
    Files.write(db, older);
    try (Repository r = repo()) {
      Snapshot old = backup(r, db, "text");
      // A day of changes: about 1% of the file, in two places.
      try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
        f.seek(100_000);
        f.write(random(20_000, 2));
        f.seek(2_500_000);
        f.write(random(10_000, 3));
      }
      backup(r, db, "text");
      Node node = new Restorer(r, 1, new Progress()).findNode(old, db.toString());
      long changed = bytesOfBlobsOver(r, node, 100_000, 120_000)
          + bytesOfBlobsOver(r, node, 2_500_000, 2_510_000);

      DatabaseRestorer.Result res = new DatabaseRestorer(r, new DatabaseRestorerTest.TextKind(),
          2, new Progress()).restore(SnapshotRef.id(old.id().toString()), db);

      assertThat(Files.readAllBytes(db)).isEqualTo(older);
      assertThat(res.bytes().fetched()).isEqualTo(changed);
      assertThat(changed).isLessThan(older.length / 10);
      assertThat(res.bytes().reused()).isEqualTo(older.length - changed);

      Files.write(db, random(older.length, 4));
      Files.delete(db.resolveSibling("app.txt.bulwark-old"));
      DatabaseRestorer.Result full = new DatabaseRestorer(r,
          new DatabaseRestorerTest.TextKind(), 2, new Progress())
          .restore(SnapshotRef.id(old.id().toString()), db, RestoreOption.NO_DELTA);
      assertThat(Files.readAllBytes(db)).isEqualTo(older);
      assertThat(full.bytes()).isEqualTo(new RestoredBytes(0, older.length));
    }
  }

  @Test
  void noDeltaFetchesEverythingEvenWhenTheTargetMatches() throws Exception {
    Path db = dir.resolve("app.txt");
    byte[] content = random(1024 * 1024, 5);
    Files.write(db, content);
    try (Repository r = repo()) {
      Snapshot s = backup(r, db, "text");
      DatabaseRestorer.Result res = new DatabaseRestorer(r, new DatabaseRestorerTest.TextKind(),
          2, new Progress()).restore(SnapshotRef.id(s.id().toString()), db,
          RestoreOption.NO_DELTA);
      assertThat(res.bytes()).isEqualTo(new RestoredBytes(0, content.length));
      assertThat(Files.readAllBytes(db)).isEqualTo(content);
    }
  }

  @Test
  void aDamagedShorterOrSparseTargetStillRestoresTheSnapshotsBytes() throws Exception {
    Path db = dir.resolve("app.txt");
    byte[] content = random(2 * 1024 * 1024, 6);
    Files.write(db, content);
    try (Repository r = repo()) {
      Snapshot s = backup(r, db, "text");
      // One flipped bit, a blanked range (as a hole) and a missing tail.
      byte[] damaged = content.clone();
      damaged[70_000] ^= 0x20;
      java.util.Arrays.fill(damaged, 500_000, 700_000, (byte) ' ');
      Files.write(db, java.util.Arrays.copyOf(damaged, 1_500_000));
      Node node = new Restorer(r, 1, new Progress()).findNode(s, db.toString());
      long expected = bytesOfBlobsOver(r, node, 70_000, 70_001)
          + bytesOfBlobsOver(r, node, 500_000, 700_000)
          + bytesOfBlobsOver(r, node, 1_499_999, content.length);

      DatabaseRestorer.Result res = new DatabaseRestorer(r, new DatabaseRestorerTest.TextKind(),
          2, new Progress()).restore(SnapshotRef.id(s.id().toString()), db);

      assertThat(Files.readAllBytes(db)).isEqualTo(content);
      assertThat(res.bytes().fetched()).isEqualTo(expected);
      assertThat(res.bytes().reused()).isEqualTo(content.length - expected).isPositive();
    }
  }

  @Test
  void aFolderFetchesOnlyTheFilesThatChanged() throws Exception {
    Path db = Files.createDirectories(dir.resolve("rocks"));
    Files.write(db.resolve("000010.sst"), random(300_000, 7));
    Files.write(db.resolve("000011.sst"), random(200_000, 8));
    Files.writeString(db.resolve("CURRENT"), "MANIFEST-000012\n");
    try (Repository r = repo()) {
      Snapshot s = backup(r, db, "rocks");
      byte[] sst11 = Files.readAllBytes(db.resolve("000011.sst"));
      Files.write(db.resolve("000011.sst"), random(200_000, 9));
      Files.writeString(db.resolve("CURRENT"), "MANIFEST-000013\n");
      Files.write(db.resolve("000014.sst"), random(100_000, 10));

      Restorer restorer = new Restorer(r, 2, new Progress());
      Path staging = dir.resolve("staging");
      restorer.restoreStaging(s, db.toString(), staging, WrittenBlobs.NONE, db);

      assertThat(Files.readAllBytes(staging.resolve("000011.sst"))).isEqualTo(sst11);
      assertThat(Files.readAllBytes(staging.resolve("000010.sst")))
          .isEqualTo(Files.readAllBytes(db.resolve("000010.sst")));
      assertThat(Files.readString(staging.resolve("CURRENT"))).isEqualTo("MANIFEST-000012\n");
      assertThat(staging.resolve("000014.sst")).doesNotExist();
      assertThat(restorer.restoredBytes())
          .isEqualTo(new RestoredBytes(300_000, 200_000 + "MANIFEST-000012\n".length()));
    }
  }

  @Test
  void aRestoreIntoAFolderReusesTheFilesAlreadyThere() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    byte[] a = random(400_000, 11);
    Files.write(src.resolve("a.bin"), a);
    try (Repository r = repo()) {
      Snapshot s = backup(r, src, "files");
      Path target = dir.resolve("target");
      Path restored = target.resolve(src.toString().substring(1)).resolve("a.bin");
      Files.createDirectories(restored.getParent());
      byte[] edited = a.clone();
      edited[300_000] ^= 0x40;
      Files.write(restored, edited);

      Restorer restorer = new Restorer(r, 2, new Progress());
      restorer.restore(s, target, List.of());

      assertThat(Files.readAllBytes(restored)).isEqualTo(a);
      assertThat(restorer.restoredBytes().fetched()).isEqualTo(CHUNK);
      assertThat(restorer.restoredBytes().reused()).isEqualTo(a.length - CHUNK);
    }
  }
}

package dev.bulwark.cli.group;

import static dev.bulwark.core.testing.Sqlite.rows;
import static dev.bulwark.core.testing.Sqlite.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.SourceException;
import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.api.Database;
import dev.bulwark.core.backup.SourceView;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.DatabaseKind;
import dev.bulwark.core.restore.GroupRestorer;
import dev.bulwark.core.restore.RestoreOption;
import dev.bulwark.rocksdb.RocksDbDatabase;
import dev.bulwark.sqlite.SqliteDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * The library's group snapshot: a service's SQLite databases, its live RocksDB database and its
 * key file in one snapshot, every database opened before any is read, each tagged as a member.
 */
class GroupBackupTest {
  @TempDir Path dir;
  private final Cli cli = Cli.withPassword().inProcess();

  private BulwarkRepository open() throws Exception {
    return Bulwark.repository(dir.resolve("repo"))
        .password(Cli.PASSWORD.getBytes(StandardCharsets.UTF_8)).createIfMissing(true)
        .keyDerivation(new Kdf.Params(1024, 8, 1)).open();
  }

  private static void createSqlite(Path db) throws Exception {
    Files.createDirectories(db.getParent());
    sql(db, "pragma journal_mode=wal", "create table t(x)",
        "with recursive c(x) as (select 1 union all select x + 1 from c limit 100) "
            + "insert into t select x from c");
  }

  @Test
  void everyMemberIsOpenedBeforeAnyIsReadSoALaterCommitIsInNone() throws Exception {
    RocksDB.loadLibrary();
    Path a = dir.resolve("svc/app.db");
    Path c = dir.resolve("svc/queue.db");
    Path chain = dir.resolve("svc/chain");
    createSqlite(a);
    createSqlite(c);
    Path key = Files.writeString(dir.resolve("svc/node.key"), "identity");
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    Snapshot snap;
    try (Options o = new Options().setCreateIfMissing(true);
        RocksDB rdb = RocksDB.open(o, chain.toString());
        BulwarkRepository repo = open()) {
      rdb.put("k".getBytes(), "v".getBytes());
      // The first member to be read commits to all three databases: a backup that read one
      // database before opening the next would carry the commit in the later ones.
      Runnable late = () -> {
        try {
          sql(a, "insert into t values (-1)");
          sql(c, "insert into t values (-1)");
          rdb.put("late".getBytes(), "1".getBytes());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      };
      snap = repo.backupGroup("svc", List.of(
          new Recorded(SqliteDatabase.at(a), events, late),
          new Recorded(RocksDbDatabase.of(rdb), events, null),
          new Recorded(SqliteDatabase.at(c), events, null)), List.of(key));
    }
    assertThat(events).containsExactly("open " + a, "open " + chain, "open " + c,
        "visit " + a, "visit " + chain, "visit " + c);

    // One tag set per member, in order, and the group's name; never a bare bulwark:kind=.
    assertThat(snap.tags()).contains("bulwark:group=svc", "bulwark:1.kind=sqlite",
        "bulwark:1.db=" + a, "bulwark:2.kind=rocksdb", "bulwark:2.db=" + chain,
        "bulwark:3.kind=sqlite", "bulwark:3.db=" + c);
    assertThat(snap.tags()).noneMatch(t -> t.startsWith("bulwark:kind=")
        || t.startsWith("bulwark:db="));
    List<DatabaseTags> members = DatabaseTags.members(snap.tags());
    assertThat(members).extracting(DatabaseTags::kind)
        .containsExactly("sqlite", "rocksdb", "sqlite");
    assertThat(members).extracting(DatabaseTags::path)
        .containsExactly(a.toString(), chain.toString(), c.toString());
    assertThat(members.get(0).properties()).containsKey("page-size");
    assertThat(DatabaseTags.group(snap.tags())).contains("svc");
    assertThat(DatabaseTags.fromTags(snap.tags())).isEmpty();

    Path out = dir.resolve("out");
    cli.run("restore", snap.id().toString(), "--repo", dir.resolve("repo").toString(),
        "--target", out.toString()).assertOk();
    assertThat(rows(inside(out, a), "t")).isEqualTo(100);
    assertThat(rows(inside(out, c), "t")).isEqualTo(100);
    assertThat(Files.readString(inside(out, key))).isEqualTo("identity");
    try (Options o = new Options();
        RocksDB r = RocksDB.openReadOnly(o, inside(out, chain).toString())) {
      assertThat(new String(r.get("k".getBytes()))).isEqualTo("v");
      assertThat(r.get("late".getBytes())).isNull();
    }
    // The commit happened, after every member was taken.
    assertThat(rows(a, "t")).isEqualTo(101);
  }

  @Test
  void theLibraryRestoresTheWholeGroupFromTheSameListItBackedUp() throws Exception {
    Path[] svc = GroupBackupCliTest.service(dir);
    List<Database> group = List.of(SqliteDatabase.at(svc[0]), RocksDbDatabase.at(svc[1]));
    try (BulwarkRepository repo = open()) {
      Snapshot taken = repo.backupGroup("node", group, List.of(svc[2]));
      sql(svc[0], "delete from t");
      Files.writeString(svc[2], "changed");

      assertThatThrownBy(() -> repo.restoreGroup("node", group, SnapshotRef.latest()))
          .isInstanceOf(BulwarkException.class).hasMessageContaining(svc[2].toString());
      assertThat(rows(svc[0], "t")).as("nothing swapped in when a key file differs")
          .isEqualTo(0);

      GroupRestorer.Result res = repo.restoreGroup("node", group, SnapshotRef.latest(),
          RestoreOption.OVERWRITE_FILES);

      assertThat(res.snapshot().id()).isEqualTo(taken.id());
      assertThat(res.members()).extracting(m -> m.database().path())
          .containsExactly(svc[0].toString(), svc[1].toString());
      assertThat(res.files()).containsExactly(svc[2]);
      assertThat(rows(svc[0], "t")).isEqualTo(500);
      assertThat(Files.readString(svc[2])).isEqualTo("identity");
      assertThat(res.members().get(0).previous()).isNotNull();
    }
  }

  @Test
  void aGroupNeedsAValidNameAndDistinctDatabases() throws Exception {
    Path a = dir.resolve("app.db");
    createSqlite(a);
    try (BulwarkRepository repo = open()) {
      assertThatThrownBy(() -> repo.backupGroup("svc", List.of(SqliteDatabase.at(a),
          SqliteDatabase.at(a)), List.of())).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("names the database " + a + " twice");
      assertThatThrownBy(() -> repo.backupGroup("a b", List.of(SqliteDatabase.at(a)),
          List.of())).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid group name");
      assertThatThrownBy(() -> repo.backupGroup("svc", List.of(), List.of()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no database");
      assertThat(repo.snapshots()).isEmpty();
      // A group of one is still a group: its database is member 1, named.
      Snapshot one = repo.backupGroup("solo", List.of(SqliteDatabase.at(a)), List.of());
      assertThat(one.tags()).contains("bulwark:group=solo", "bulwark:1.kind=sqlite")
          .noneMatch(t -> t.startsWith("bulwark:kind="));
      // A plain backup of one database keeps exactly the single-database tags.
      Snapshot plain = repo.backup(SqliteDatabase.at(a));
      assertThat(plain.tags()).contains("bulwark:kind=sqlite", "bulwark:db=" + a)
          .noneMatch(t -> t.startsWith("bulwark:1.") || t.startsWith("bulwark:group="));
    }
  }

  private static Path inside(Path target, Path original) {
    return target.resolve(original.toString().substring(1));
  }

  /** A database whose opens and reads are recorded, and which may run a step when read. */
  private record Recorded(Database db, List<String> events, Runnable onVisit)
      implements Database {
    @Override
    public Path path() {
      return db.path();
    }

    @Override
    public DatabaseKind kind() {
      return db.kind();
    }

    @Override
    public SourceView open() throws SourceException {
      events.add("open " + db.path());
      SourceView v = db.open();
      return new SourceView() {
        @Override
        public List<String> paths() {
          return v.paths();
        }

        @Override
        public void visit(EntryVisitor visitor) throws IOException, BulwarkException {
          events.add("visit " + db.path());
          if (onVisit != null) {
            onVisit.run();
          }
          v.visit(visitor);
        }

        @Override
        public long estimatedBytes() {
          return v.estimatedBytes();
        }

        @Override
        public List<String> tags() {
          return v.tags();
        }

        @Override
        public void close() throws IOException {
          v.close();
        }
      };
    }
  }
}

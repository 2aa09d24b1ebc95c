package dev.bulwark.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.RepositoryLockedException;
import dev.bulwark.core.RepositoryNotFoundException;
import dev.bulwark.core.WrongPasswordException;
import dev.bulwark.core.backend.Handle;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.crypto.Kdf;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryTest {
  /** Cheap scrypt for tests; the format is the same at any cost. */
  static final Kdf.Params FAST = new Kdf.Params(1024, 8, 1);
  static final byte[] PW = "correct horse".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  private Repository init() throws Exception {
    return Repository.init(LocalBackend.open(dir), PW, FAST);
  }

  @Test
  void blobsSurviveAReopen() throws Exception {
    byte[] data = new byte[200_000];
    new Random(3).nextBytes(data);
    Id id = Id.hash(data);
    try (Repository r = init()) {
      BlobSaver s = new BlobSaver(r, BlobSaver.DEFAULT_PACK_BYTES, 3);
      assertThat(s.save(BlobType.DATA, id, data, 0, data.length)).isTrue();
      assertThat(s.save(BlobType.DATA, id, data, 0, data.length)).isFalse();
      s.flush();
      assertThat(s.newBlobs()).isEqualTo(1);
    }
    try (Repository r = Repository.open(LocalBackend.open(dir), PW)) {
      assertThat(r.loadBlob(BlobType.DATA, id)).isEqualTo(data);
      assertThatThrownBy(() -> r.loadBlob(BlobType.TREE, id))
          .isInstanceOf(CorruptionException.class).hasMessageContaining("not in the index");
    }
  }

  @Test
  void wrongPasswordAndMissingRepositoryAreTheirOwnErrors() throws Exception {
    init().close();
    assertThatThrownBy(() -> Repository.open(LocalBackend.open(dir), "nope".getBytes()))
        .isInstanceOf(WrongPasswordException.class);
    assertThatThrownBy(() -> Repository.open(LocalBackend.open(dir.resolve("none")), PW))
        .isInstanceOf(RepositoryNotFoundException.class);
    assertThatThrownBy(this::init).isInstanceOf(BulwarkException.class)
        .hasMessageContaining("already exists");
  }

  @Test
  void everyKeyOpensTheRepositoryAndTheLastCannotBeRemoved() throws Exception {
    byte[] second = "second".getBytes();
    Id added;
    try (Repository r = init()) {
      added = r.keys().add(second, FAST);
      assertThat(r.keys().list()).hasSize(2).filteredOn(Keys.KeyEntry::current).hasSize(1);
    }
    try (Repository r = Repository.open(LocalBackend.open(dir), second)) {
      assertThat(r.keyId()).isEqualTo(added);
      assertThatThrownBy(() -> r.keys().remove(added.toString()))
          .hasMessageContaining("key in use");
      Id first = r.keys().list().stream().filter(k -> !k.current()).findFirst().orElseThrow().id();
      r.keys().remove(first.toString().substring(0, 8));
      assertThatThrownBy(() -> r.keys().remove(added.toString()))
          .hasMessageContaining("last key");
    }
    assertThatThrownBy(() -> Repository.open(LocalBackend.open(dir), PW))
        .isInstanceOf(WrongPasswordException.class);
  }

  @Test
  void damagedUnpackedFileIsDetectedByItsName() throws Exception {
    try (Repository r = init()) {
      Id id = r.saveUnpacked(FileType.SNAPSHOT, "{\"x\":1}".getBytes());
      Path p = dir.resolve("snapshots").resolve(id.toString());
      byte[] b = Files.readAllBytes(p);
      b[20] ^= 1;
      Files.write(p, b);
      assertThatThrownBy(() -> r.loadUnpacked(FileType.SNAPSHOT, id))
          .isInstanceOf(CorruptionException.class).hasMessageContaining("does not match");
    }
  }

  @Test
  void snapshotsAreFoundByIdPrefixAndLatest() throws Exception {
    try (Repository r = init()) {
      Id tree = Id.hash(new byte[] {1});
      Snapshot a = r.saveSnapshot(Snapshot.create(Instant.parse("2026-01-01T00:00:00Z"), tree,
          List.of("/a"), "h", "u", 0, 0, List.of("t"), null));
      Snapshot b = r.saveSnapshot(Snapshot.create(Instant.parse("2026-01-02T00:00:00.5Z"), tree,
          List.of("/a"), "h", "u", 0, 0, List.of(), a.id()));
      assertThat(r.findSnapshot("latest").id()).isEqualTo(b.id());
      assertThat(r.findSnapshot(a.id().toString().substring(0, 10))).isEqualTo(a);
      assertThat(r.findSnapshot(b.id().toString()).parent()).isEqualTo(a.id());
      assertThatThrownBy(() -> r.findSnapshot("zz")).hasMessageContaining("not a snapshot id");
      assertThatThrownBy(() -> r.findSnapshot("")).isInstanceOf(BulwarkException.class);
    }
  }

  @Test
  void exclusiveLockConflictsWithALiveLockButIgnoresAStaleOne() throws Exception {
    try (Repository r = init()) {
      try (Lock shared = r.lock(false)) {
        assertThat(r.locks()).hasSize(1);
        try (Lock second = r.lock(false)) {
          assertThat(r.locks()).hasSize(2);
        }
        assertThatThrownBy(() -> r.lock(true)).isInstanceOf(RepositoryLockedException.class)
            .hasMessageContaining("PID " + ProcessHandle.current().pid());
      }
      assertThat(r.locks()).isEmpty();
      // A lock left by a process that is gone, on this host: stale, so it does not block.
      LockInfo dead = new LockInfo(null, Instant.now(), true, Host.name(), "x", 999_999_999L, 0,
          0);
      Id deadId = r.saveUnpacked(FileType.LOCK, dead.toJson());
      try (Lock l = r.lock(true)) {
        assertThat(l.isExclusive()).isTrue();
      }
      r.backend().delete(Handle.of(FileType.LOCK, deadId));
      // A fresh lock from another host is never stale.
      LockInfo other = new LockInfo(null, Instant.now(), false, "elsewhere", "x", 1, 0, 0);
      r.saveUnpacked(FileType.LOCK, other.toJson());
      assertThatThrownBy(() -> r.lock(true)).isInstanceOf(RepositoryLockedException.class)
          .hasMessageContaining("elsewhere");
    }
  }
}

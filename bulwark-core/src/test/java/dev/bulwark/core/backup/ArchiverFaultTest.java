package dev.bulwark.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.FileType;
import dev.bulwark.core.IncompleteBackupException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.check.CheckResult;
import dev.bulwark.core.check.Checker;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.testing.Backups;
import dev.bulwark.core.testing.FaultyBackend;
import dev.bulwark.core.testing.FaultyBackend.Fault;
import dev.bulwark.core.testing.FaultyBackend.Op;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.core.tree.Node;
import dev.bulwark.core.tree.Tree;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archiver's failure paths on a real repository: an unreadable file ends the backup
 * incomplete with the snapshot saved; a view that cannot be closed, a failed upload or an
 * interrupt end it with no snapshot, no lock left and nothing a check objects to.
 */
class ArchiverFaultTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @TempDir Path dir;
  private FaultyBackend backend;
  private Repository repo;

  @BeforeEach
  void emptyRepository() throws Exception {
    backend = new FaultyBackend(LocalBackend.open(dir.resolve("repo")));
    repo = TestRepositories.init(backend);
  }

  @AfterEach
  void close() throws IOException {
    repo.close();
  }

  /** A source of in-memory files under /data; some can be made to fail. */
  private static final class MemorySource implements Source {
    final List<SourceEntry> entries = new ArrayList<>();
    boolean closeFails;
    final AtomicBoolean closed = new AtomicBoolean();

    MemorySource file(String name, byte[] content) {
      entries.add(SourceEntry.file(Path.of("/data", name), meta(), () ->
          new ByteArrayInputStream(content), 1));
      return this;
    }

    MemorySource unreadable(String name) {
      entries.add(SourceEntry.file(Path.of("/data", name), meta(), () -> {
        throw new AccessDeniedException("/data/" + name);
      }, 1));
      return this;
    }

    private static FileMeta meta() {
      return FileMeta.synthetic(Instant.parse("2026-01-01T00:00:00Z")).withPermissions(0644);
    }

    @Override
    public SourceView open() {
      return new SourceView() {
        @Override
        public List<String> paths() {
          return List.of("/data");
        }

        @Override
        public void visit(EntryVisitor visitor) throws IOException, BulwarkException {
          visitor.accept(SourceEntry.dir(Path.of("/data"), meta()));
          for (SourceEntry e : entries) {
            visitor.accept(e);
          }
        }

        @Override
        public long estimatedBytes() {
          return -1;
        }

        @Override
        public void close() throws IOException {
          closed.set(true);
          if (closeFails) {
            throw new IOException("cannot remove the private copy");
          }
        }
      };
    }
  }

  private Snapshot backup(Source s) throws Exception {
    return Backups.underLock(repo, new Archiver(repo, TestRepositories.OPTIONS, new Progress()),
        List.of(s)).snapshot();
  }

  private static byte[] random(int bytes, long seed) {
    byte[] b = new byte[bytes];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  /** No snapshot, no lock, and a check that finds no error (unused packs are only hints). */
  private void assertNothingHalfWritten() throws Exception {
    backend.clearFaults();
    assertThat(repo.list(FileType.SNAPSHOT)).isEmpty();
    assertThat(repo.list(FileType.LOCK)).isEmpty();
    CheckResult r = new Checker(repo, 2, new Progress()).check(true);
    assertThat(r.errors()).isEmpty();
  }

  @Test
  void anUnreadableFileIsListedAndTheSnapshotIsSavedWithoutIt() throws Exception {
    MemorySource src = new MemorySource().file("a.txt", "alpha".getBytes())
        .unreadable("secret.key").file("b.txt", "beta".getBytes());
    IncompleteBackupException e = assertThrows(IncompleteBackupException.class,
        () -> backup(src));
    assertThat(e.unreadable()).containsExactly("/data/secret.key");
    assertThat(e.getMessage()).contains("saved").contains("/data/secret.key");
    Snapshot saved = repo.loadSnapshot(e.snapshot());
    Tree root = Tree.parse(repo.loadBlob(BlobType.TREE, saved.tree()));
    Tree data = Tree.parse(repo.loadBlob(BlobType.TREE, root.nodes().get(0).subtree()));
    assertThat(data.nodes()).extracting(Node::name).extracting(Object::toString)
        .containsExactly("a.txt", "b.txt");
    assertThat(src.closed).isTrue();
    assertThat(repo.list(FileType.LOCK)).isEmpty();
  }

  @Test
  void aViewThatCannotBeClosedFailsTheBackupBeforeItsSnapshot() throws Exception {
    MemorySource src = new MemorySource().file("a.txt", "alpha".getBytes());
    src.closeFails = true;
    assertThatThrownBy(() -> backup(src)).isInstanceOf(IOException.class)
        .hasMessage("cannot remove the private copy");
    assertNothingHalfWritten();
  }

  @Test
  void aCloseFailureAfterAnotherFailureDoesNotHideIt() throws Exception {
    MemorySource src = new MemorySource().file("a.bin", random(3 << 20, 1));
    src.closeFails = true;
    backend.on(Op.SAVE).type(FileType.PACK).nth(1).fail();
    assertThatThrownBy(() -> backup(src)).hasMessageContaining("injected failure: save data/")
        .satisfies(t -> assertThat(t.getSuppressed()).extracting(Throwable::getMessage)
            .contains("cannot remove the private copy"));
    assertNothingHalfWritten();
  }

  @Test
  void anUploadFailingMidBackupLeavesNoSnapshotAndALaterBackupWorks() throws Exception {
    MemorySource src = new MemorySource().file("a.bin", random(4 << 20, 2));
    Fault f = backend.on(Op.SAVE).type(FileType.PACK).nth(2).failTransient();
    assertThatThrownBy(() -> backup(src)).isInstanceOf(IOException.class)
        .hasMessageContaining("injected transient failure: save data/");
    assertThat(f.fired()).isEqualTo(1);
    assertNothingHalfWritten();

    Snapshot s = backup(src);
    assertThat(repo.list(FileType.SNAPSHOT)).containsExactly(s.id());
    assertThat(new Checker(repo, 2, new Progress()).check(true).errors()).isEmpty();
  }

  @Test
  void anIndexOrSnapshotThatCannotBeSavedLeavesNoSnapshot() throws Exception {
    MemorySource src = new MemorySource().file("a.txt", "alpha".getBytes());
    backend.on(Op.SAVE).type(FileType.INDEX).nth(1).fail();
    assertThatThrownBy(() -> backup(src)).hasMessageContaining("save index/");
    assertNothingHalfWritten();
    backend.on(Op.SAVE).type(FileType.SNAPSHOT).nth(1).fail();
    assertThatThrownBy(() -> backup(src)).hasMessageContaining("save snapshots/");
    assertNothingHalfWritten();
  }

  @Test
  void anInterruptStopsTheBackupPromptlyWithNothingReferenced() throws Exception {
    MemorySource src = new MemorySource().file("a.bin", random(4 << 20, 3));
    Fault stall = backend.on(Op.SAVE).type(FileType.PACK).nth(1).stall(Duration.ofMinutes(1));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        backup(src);
      } catch (Throwable e) {
        thrown.set(e);
      }
    }, "backup-under-test");
    t.start();
    assertThat(stall.awaitFired(WAIT)).isTrue();
    long t0 = System.nanoTime();
    t.interrupt();
    t.join(WAIT.toMillis());
    assertThat(t.isAlive()).as("backup thread still running after its interrupt").isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    assertThat(thrown.get()).isInstanceOf(InterruptedIOException.class);
    assertThat(src.closed).isTrue();
    assertNothingHalfWritten();
  }
}

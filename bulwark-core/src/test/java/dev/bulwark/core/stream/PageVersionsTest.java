package dev.bulwark.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.CorruptionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first pass of a fold: pages past the memory budget go to a private spill file holding one
 * version per page, deleted on close; every version reads back as last written; and each
 * segment's sum holds exactly its own page changes apart from the base hashes.
 */
class PageVersionsTest {
  private static final int PAGE = 4096;
  @TempDir Path dir;

  @Test
  void pagesPastTheBudgetSpillToAPrivateFileWithOneVersionEachDeletedOnClose() throws Exception {
    SplittableRandom random = new SplittableRandom(6);
    byte[][] last = new byte[21][];
    Path spill;
    try (PageVersions v = new PageVersions(PAGE, 20, 3, 4L * PAGE, dir)) {
      for (int segment = 0; segment < 3; segment++) {
        v.resize(segment, 20);
        for (int p = 1; p <= 20; p++) {
          byte[] page = new byte[PAGE];
          random.nextBytes(page);
          v.write(segment, p, page);
          last[p] = page;
        }
        assertThat(v.memoryBytes()).isLessThanOrEqualTo(4L * PAGE);
      }
      spill = v.spillFile();
      assertThat(spill).hasParent(dir);
      assertThat(Files.getPosixFilePermissions(spill))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      // Sixteen pages past the budget, each once although written three times.
      assertThat(Files.size(spill)).isEqualTo(16L * PAGE);
      byte[] out = new byte[PAGE];
      for (int p = 1; p <= 20; p++) {
        assertThat(v.read(p, out, 0)).isTrue();
        assertThat(out).as("page %d", p).isEqualTo(last[p]);
      }
      assertThat(v.firstChangedIn(7)).isZero();
    }
    assertThat(spill).doesNotExist();
  }

  @Test
  void eachSegmentsSumHoldsItsOwnChangesAndTheBaseHashesAreLeftToTheSecondPass()
      throws Exception {
    byte[] a = filled(1);
    byte[] b = filled(2);
    byte[] zero = new byte[PAGE];
    try (PageVersions v = new PageVersions(PAGE, 4, 3, 1 << 20, dir)) {
      v.resize(0, 4);
      v.write(0, 2, a);
      v.resize(1, 3);
      v.write(1, 2, b);
      v.resize(2, 5);
      // Segment 0 replaced base page 2 by a: the base hash comes in the second pass.
      assertThat(v.sum(0)).isEqualTo(PageSetChecksum.pageHash(2, a));
      assertThat(v.firstChangedIn(2)).isZero();
      // Segment 1 cut base page 4 (its base hash, later) and replaced a by b.
      assertThat(v.sum(1)).isEqualTo(PageSetChecksum.pageHash(2, a)
          ^ PageSetChecksum.pageHash(2, b));
      assertThat(v.firstChangedIn(4)).isEqualTo(1);
      // Segment 2 grew the cut page 4 back and a new page 5, both zeros.
      assertThat(v.sum(2)).isEqualTo(PageSetChecksum.pageHash(4, zero)
          ^ PageSetChecksum.pageHash(5, zero));
      assertThat(v.firstChangedIn(5)).isEqualTo(-1);
      assertThat(v.changedPages()).containsExactly(2, 4, 5);
      byte[] out = filled(9);
      assertThat(v.read(4, out, 0)).isTrue();
      assertThat(out).isEqualTo(zero);
      assertThat(v.read(1, out, 0)).isFalse();
      assertThatThrownBy(() -> v.write(2, 6, a)).isInstanceOf(CorruptionException.class)
          .hasMessageContaining("page 6");
    }
  }

  private static byte[] filled(int value) {
    byte[] b = new byte[PAGE];
    java.util.Arrays.fill(b, (byte) value);
    return b;
  }

  @Test
  void aSpillFileLeftByAKilledFoldIsRemovedByTheNextAndNoOtherFile() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path killed = Files.createFile(dir.resolve(".bulwark-fold-" + gone.pid() + "-123.pages"));
    Path running = Files.createFile(
        dir.resolve(".bulwark-fold-" + ProcessHandle.current().pid() + "-456.pages"));
    Path foreign = Files.createFile(dir.resolve(".bulwark-fold-notes.pages"));
    PageVersions.sweep(dir);
    assertThat(killed).doesNotExist();
    assertThat(running).exists();
    assertThat(foreign).exists();
    // A spill file of this process carries its pid, so a later sweep can tell.
    try (PageVersions v = new PageVersions(PAGE, 4, 1, 0, dir)) {
      v.write(0, 1, new byte[PAGE]);
      assertThat(v.spillFile().getFileName().toString())
          .startsWith(".bulwark-fold-" + ProcessHandle.current().pid() + "-");
    }
  }
}

package dev.bulwark.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.fs.FileTrees;
import dev.bulwark.core.restore.DatabaseRestorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every state an interrupted swap can leave, built by hand from a journal and folders holding
 * a marker file, and what recovery makes of it. (RestoreCrashTest reaches the same states by
 * killing real restores.)
 */
class DirectorySwapTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T10:15:30Z"),
      ZoneOffset.UTC);
  @TempDir Path dir;
  private Path target;
  private Path staging;
  private Path kept;
  private final DirectorySwap swap = new DirectorySwap(CLOCK, step -> { });

  @BeforeEach
  void names() {
    target = dir.resolve("db");
    staging = dir.resolve(".db.bulwark-staging-tmp-1");
    kept = dir.resolve("db.bulwark-old-20261121T101530Z");
  }

  @Test
  void swapKeepsThePreviousFolderUnderATimestampedName() throws Exception {
    folder(target, "old");
    folder(staging, "new");
    assertThat(swap.swap(staging, target)).contains(kept);
    assertThat(marker(target)).isEqualTo("new");
    assertThat(marker(kept)).isEqualTo("old");
    assertThat(TestFolders.names(dir)).containsExactly("db", kept.getFileName().toString());

    folder(staging, "newer");
    Path second = dir.resolve("db.bulwark-old-20261121T101530Z-2");
    assertThat(swap.swap(staging, target)).contains(second);
    assertThat(marker(target)).isEqualTo("newer");
    assertThat(marker(second)).isEqualTo("new");
    assertThat(marker(kept)).isEqualTo("old");
  }

  @Test
  void swapIntoNothingKeepsNothing() throws Exception {
    folder(staging, "new");
    assertThat(swap.swap(staging, target)).isEmpty();
    assertThat(marker(target)).isEqualTo("new");
    assertThat(TestFolders.names(dir)).containsExactly("db");
  }

  @Test
  void crashBeforeTheFirstRenameIsUndone() throws Exception {
    folder(target, "old");
    folder(staging, "new");
    journal(kept);
    assertThat(DirectorySwap.recover(target)).isEqualTo(RocksDbKind.Recovery.ROLLED_BACK);
    assertThat(marker(target)).isEqualTo("old");
    assertThat(TestFolders.names(dir)).containsExactly("db");
  }

  @Test
  void crashBetweenTheRenamesIsUndone() throws Exception {
    folder(kept, "old");
    folder(staging, "new");
    journal(kept);
    assertThat(DirectorySwap.recover(target)).isEqualTo(RocksDbKind.Recovery.ROLLED_BACK);
    assertThat(marker(target)).isEqualTo("old");
    assertThat(TestFolders.names(dir)).containsExactly("db");
  }

  @Test
  void crashAfterTheSecondRenameIsFinished() throws Exception {
    folder(kept, "old");
    folder(target, "new");
    journal(kept);
    assertThat(DirectorySwap.recover(target)).isEqualTo(RocksDbKind.Recovery.ROLLED_FORWARD);
    assertThat(marker(target)).isEqualTo("new");
    assertThat(marker(kept)).isEqualTo("old");
    assertThat(TestFolders.names(dir)).containsExactly("db", kept.getFileName().toString());
  }

  @Test
  void crashIntoAnEmptyTargetIsUndoneOrFinished() throws Exception {
    folder(staging, "new");
    journal(null);
    assertThat(DirectorySwap.recover(target)).isEqualTo(RocksDbKind.Recovery.ROLLED_BACK);
    assertThat(TestFolders.names(dir)).isEmpty();

    folder(target, "new");
    journal(null);
    assertThat(DirectorySwap.recover(target)).isEqualTo(RocksDbKind.Recovery.ROLLED_FORWARD);
    assertThat(TestFolders.names(dir)).containsExactly("db");
  }

  @Test
  void halfWrittenJournalMeansNothingWasMoved() throws Exception {
    folder(target, "old");
    folder(staging, "new");
    Files.writeString(SwapJournal.pathFor(target), "bulwark-swap 1\nstaging=.db.bul");
    assertThat(DirectorySwap.recover(target)).isEqualTo(RocksDbKind.Recovery.ROLLED_BACK);
    assertThat(marker(target)).isEqualTo("old");
    assertThat(SwapJournal.pathFor(target)).doesNotExist();
  }

  @Test
  void journalNamingAPathOutsideTheFolderIsIgnored() throws Exception {
    folder(target, "old");
    Files.writeString(SwapJournal.pathFor(target),
        "bulwark-swap 1\nstaging=../../etc\nprevious=\nend\n");
    assertThat(DirectorySwap.recover(target)).isEqualTo(RocksDbKind.Recovery.ROLLED_BACK);
    assertThat(marker(target)).isEqualTo("old");
  }

  @Test
  void aStateNoCrashLeavesIsReportedAndLeftAlone() throws Exception {
    folder(kept, "old");
    folder(staging, "new");
    folder(target, "created-since");
    journal(kept);
    assertThatThrownBy(() -> DirectorySwap.recover(target)).isInstanceOf(BulwarkException.class)
        .hasMessageContaining("a new " + target + " has appeared since");
    assertThat(marker(target)).isEqualTo("created-since");
    assertThat(marker(kept)).isEqualTo("old");
    assertThat(marker(staging)).isEqualTo("new");
    assertThat(SwapJournal.pathFor(target)).exists();
  }

  @Test
  void aRunningSwapIsNotRecoveredUnderIt() throws Exception {
    folder(target, "old");
    folder(staging, "new");
    try (SwapJournal live = SwapJournal.create(target, staging.getFileName().toString(),
        kept.getFileName().toString())) {
      assertThatThrownBy(() -> DirectorySwap.recover(target))
          .isInstanceOf(BulwarkException.class).hasMessageContaining("right now");
      assertThatThrownBy(() -> swap.swap(staging, target)).isInstanceOf(BulwarkException.class);
      assertThat(marker(target)).isEqualTo("old");
      assertThat(marker(staging)).isEqualTo("new");
    }
  }

  @Test
  void failedFirstRenameLeavesTheTargetAsItWas() throws Exception {
    folder(target, "old");
    folder(staging, "new");
    DirectorySwap blocked = new DirectorySwap(CLOCK, at(DirectorySwap.Step.JOURNALED,
        () -> folder(kept, "in the way")));
    assertThatThrownBy(() -> blocked.swap(staging, target)).isInstanceOf(BulwarkException.class)
        .hasMessageContaining("could not move the database at " + target + " aside")
        .hasMessageEndingWith("it is unchanged");
    assertThat(marker(target)).isEqualTo("old");
    assertThat(SwapJournal.pathFor(target)).doesNotExist();
  }

  @Test
  void failedSecondRenamePutsThePreviousFolderBack() throws Exception {
    folder(target, "old");
    folder(staging, "new");
    DirectorySwap failing = new DirectorySwap(CLOCK, at(DirectorySwap.Step.PREVIOUS_MOVED,
        () -> FileTrees.deleteRecursively(staging)));
    assertThatThrownBy(() -> failing.swap(staging, target)).isInstanceOf(BulwarkException.class)
        .hasMessageEndingWith("the database there is back as it was");
    assertThat(marker(target)).isEqualTo("old");
    assertThat(TestFolders.names(dir)).containsExactly("db");
  }

  @Test
  void targetAppearingBetweenTheRenamesIsReportedAndNothingIsLost() throws Exception {
    folder(target, "old");
    folder(staging, "new");
    DirectorySwap raced = new DirectorySwap(CLOCK, at(DirectorySwap.Step.PREVIOUS_MOVED,
        () -> folder(target, "created by a service")));
    assertThatThrownBy(() -> raced.swap(staging, target)).isInstanceOf(BulwarkException.class)
        .hasMessageContaining("appeared while the restore was swapping");
    assertThat(marker(target)).isEqualTo("created by a service");
    assertThat(marker(kept)).isEqualTo("old");
    assertThat(marker(staging)).isEqualTo("new");
    assertThatThrownBy(() -> DirectorySwap.recover(target)).isInstanceOf(BulwarkException.class)
        .hasMessageContaining("has appeared since");
  }

  /** An observer that runs {@code action} at {@code step}. */
  private static java.util.function.Consumer<DirectorySwap.Step> at(DirectorySwap.Step step,
      IoAction action) {
    return s -> {
      if (s == step) {
        try {
          action.run();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }

  /** A journal as a swap leaves it when killed: written, never deleted. */
  private void journal(Path previous) throws IOException, BulwarkException {
    SwapJournal.create(target, staging.getFileName().toString(),
        Optional.ofNullable(previous).map(p -> p.getFileName().toString()).orElse("")).close();
  }

  private static void folder(Path p, String marker) throws IOException {
    Files.createDirectories(p);
    Files.writeString(p.resolve("MARKER"), marker);
  }

  private static String marker(Path p) throws IOException {
    return Files.readString(p.resolve("MARKER"));
  }
}

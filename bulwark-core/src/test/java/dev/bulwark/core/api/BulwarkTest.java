package dev.bulwark.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.RepositoryNotFoundException;
import dev.bulwark.core.WrongPasswordException;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.backup.Source;
import dev.bulwark.core.backup.SourceView;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BulwarkTest {
  private static final Kdf.Params FAST = new Kdf.Params(1024, 8, 1);
  @TempDir Path dir;

  @Test
  void optionsAreSetOnceAndAPasswordIsRequired() {
    Bulwark b = Bulwark.repository(dir).password("pw".getBytes());
    assertThatThrownBy(() -> b.password("again".getBytes()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already set");
    assertThatThrownBy(() -> Bulwark.repository(dir).open())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no password");
    assertThatThrownBy(() -> Bulwark.repository(dir).password(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void opensOrCreatesAndBacksUpConcurrentCallsOneAtATime() throws Exception {
    Path repoDir = dir.resolve("repo");
    assertThatThrownBy(() -> Bulwark.repository(repoDir).password("pw".getBytes()).open())
        .isInstanceOf(RepositoryNotFoundException.class);
    Path key = Files.writeString(dir.resolve("node.key"), "secret identity");
    try (BulwarkRepository repo = Bulwark.repository(repoDir).password("pw".getBytes())
        .createIfMissing(true).keyDerivation(FAST).open()) {
      // Two "back up now" calls at once (e.g. two RPCs): both succeed, one after the other.
      // Each source holds its view open for a while; overlapping backups would be seen open
      // at the same time.
      OverlapProbe probe = new OverlapProbe();
      CompletableFuture<Snapshot> a = CompletableFuture.supplyAsync(
          () -> backup(repo, probe.around(FileSource.of(key))));
      CompletableFuture<Snapshot> b = CompletableFuture.supplyAsync(
          () -> backup(repo, probe.around(FileSource.of(key))));
      assertThat(a.get().id()).isNotEqualTo(b.get().id());
      assertThat(repo.snapshots()).hasSize(2);
      assertThat(probe.opened.get()).isEqualTo(2);
      assertThat(probe.maxOpenAtOnce.get()).as("backups overlapped").isEqualTo(1);
    }
    assertThatThrownBy(() -> Bulwark.repository(repoDir).password("wrong".getBytes()).open())
        .isInstanceOf(WrongPasswordException.class);
    Path pwFile = Files.writeString(dir.resolve("pw"), "  pw\n");
    try (BulwarkRepository repo = Bulwark.repository(repoDir).passwordFile(pwFile).open()) {
      assertThat(repo.snapshots()).hasSize(2);
    }
  }

  /** Counts source views open at once, each kept open long enough for another to start. */
  private static final class OverlapProbe {
    private static final long HOLD_MILLIS = 300;
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger maxOpenAtOnce = new AtomicInteger();

    Source around(Source inner) {
      return () -> {
        SourceView v = inner.open();
        opened.incrementAndGet();
        maxOpenAtOnce.accumulateAndGet(open.incrementAndGet(), Math::max);
        try {
          Thread.sleep(HOLD_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return new SourceView() {
          @Override
          public List<String> paths() {
            return v.paths();
          }

          @Override
          public void visit(EntryVisitor visitor) throws IOException, BulwarkException {
            v.visit(visitor);
          }

          @Override
          public long estimatedBytes() {
            return v.estimatedBytes();
          }

          @Override
          public void close() throws IOException {
            open.decrementAndGet();
            v.close();
          }
        };
      };
    }
  }

  private static Snapshot backup(BulwarkRepository repo, Source source) {
    try {
      return repo.backup(source);
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}

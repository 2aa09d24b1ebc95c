package dev.bulwark.core.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RateLimitsTest {
  @TempDir Path dir;

  @Test
  void negativeLimitsAreRefusedAndZeroMeansUnlimited() throws Exception {
    assertThatThrownBy(() -> new RateLimits(-1, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    assertThatThrownBy(() -> new RateLimits(0, -5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    assertThatThrownBy(() -> new RateLimits(Long.MAX_VALUE, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too large");
    try (LocalBackend b = LocalBackend.open(dir)) {
      assertThat(RateLimits.UNLIMITED.apply(b)).isSameAs(b);
      assertThat(new RateLimits(0, 0).isUnlimited()).isTrue();
      assertThat(new RateLimits(1, 0).apply(b)).isInstanceOf(ThrottledBackend.class);
    }
  }

  @Test
  void theBurstIsAQuarterSecondButAtLeastOneSlice() {
    assertThat(new TokenBucket(1024).burstBytes()).isEqualTo(TokenBucket.SLICE_BYTES);
    assertThat(new TokenBucket(8L << 20).burstBytes()).isEqualTo(2L << 20);
    assertThatThrownBy(() -> new TokenBucket(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void partsAreSavedWholeAndLoadsReturnWhatWasStored() throws Exception {
    LocalBackend local = LocalBackend.open(dir.resolve("repo"));
    local.create();
    try (Backend b = new RateLimits(16 * 1024, 16 * 1024).apply(local)) {
      byte[] a = "first part, ".getBytes();
      byte[] c = "second part".getBytes();
      ByteBuffer second = ByteBuffer.wrap(c);
      Handle h = Handle.of(FileType.PACK, Id.hash("x".getBytes()));
      b.save(h, List.of(ByteBuffer.wrap(a), second));
      assertThat(second.position()).isZero();
      assertThat(new String(b.load(h, 0, -1))).isEqualTo("first part, second part");
      assertThat(new String(b.load(h, 6, 4))).isEqualTo("part");
      assertThat(b.stat(h)).contains((long) a.length + c.length);
    }
  }

  /** A save waiting for its budget stops when interrupted and stores nothing. */
  @Test
  void aWaitingSaveStopsWhenInterrupted() throws Exception {
    LocalBackend local = LocalBackend.open(dir.resolve("repo"));
    local.create();
    Backend b = new RateLimits(1, 0).apply(local);
    Handle h = Handle.of(FileType.PACK, Id.hash("big".getBytes()));
    AtomicReference<Thread> saver = new AtomicReference<>();
    // 1 MiB at 1 KiB/s would wait about 17 minutes.
    CompletableFuture<Throwable> done = CompletableFuture.supplyAsync(() -> {
      saver.set(Thread.currentThread());
      try {
        b.save(h, List.of(ByteBuffer.allocate(1 << 20)));
        return null;
      } catch (Exception e) {
        return e;
      }
    });
    while (saver.get() == null || saver.get().getState() != Thread.State.TIMED_WAITING) {
      Thread.onSpinWait();
    }
    saver.get().interrupt();
    assertThat(done.get(30, TimeUnit.SECONDS)).isInstanceOf(InterruptedIOException.class);
    assertThat(local.stat(h)).isEmpty();
  }
}

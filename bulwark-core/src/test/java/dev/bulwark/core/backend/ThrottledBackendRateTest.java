package dev.bulwark.core.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.testing.Slow;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The achieved rate over a few MiB, several threads at once. Only the lower bound on the time
 * is tight (no faster than the limit allows plus one burst): a loaded machine can only make
 * it slower. The upper bound is generous, to show the transfers complete.
 */
@Slow
class ThrottledBackendRateTest {
  private static final int KIB_PER_SECOND = 1024;
  private static final int THREADS = 4;
  private static final int FILES_PER_THREAD = 3;
  private static final int FILE_BYTES = 1 << 20;

  @TempDir Path dir;

  @Test
  void uploadsFromSeveralThreadsShareOneLimit() throws Exception {
    LocalBackend local = LocalBackend.open(dir.resolve("repo"));
    local.create();
    RateLimits limits = new RateLimits(KIB_PER_SECOND, 0);
    try (Backend b = limits.apply(local)) {
      long start = System.nanoTime();
      List<Handle> saved = runInThreads(i -> {
        byte[] data = new byte[FILE_BYTES];
        data[0] = (byte) i;
        data[1] = (byte) (i >> 8);
        Handle h = Handle.of(FileType.PACK, Id.hash(data));
        // A pack in parts, as the archiver saves one.
        b.save(h, List.of(ByteBuffer.wrap(data, 0, FILE_BYTES / 2),
            ByteBuffer.wrap(data, FILE_BYTES / 2, FILE_BYTES / 2)));
        return h;
      });
      double seconds = (System.nanoTime() - start) / 1e9;
      assertRate(seconds, new TokenBucket(KIB_PER_SECOND * 1024L).burstBytes());
      for (Handle h : saved) {
        assertThat(local.stat(h)).contains((long) FILE_BYTES);
      }
    }
  }

  @Test
  void downloadsFromSeveralThreadsShareOneLimit() throws Exception {
    LocalBackend local = LocalBackend.open(dir.resolve("repo"));
    local.create();
    List<Handle> stored = new ArrayList<>();
    for (int i = 0; i < THREADS * FILES_PER_THREAD; i++) {
      byte[] data = new byte[FILE_BYTES];
      data[0] = (byte) i;
      Handle h = Handle.of(FileType.PACK, Id.hash(data));
      local.save(h, data, 0, data.length);
      stored.add(h);
    }
    try (Backend b = new RateLimits(0, KIB_PER_SECOND).apply(local)) {
      long start = System.nanoTime();
      runInThreads(i -> {
        assertThat(b.load(stored.get(i), 0, -1)).hasSize(FILE_BYTES);
        return stored.get(i);
      });
      double seconds = (System.nanoTime() - start) / 1e9;
      assertRate(seconds, new TokenBucket(KIB_PER_SECOND * 1024L).burstBytes());
    }
  }

  private static void assertRate(double seconds, long burst) {
    long total = (long) THREADS * FILES_PER_THREAD * FILE_BYTES;
    double fastest = (double) (total - burst) / (KIB_PER_SECOND * 1024L);
    // Scheduling jitter can only add time; allow 2% for the clock's granularity.
    assertThat(seconds).as("%d bytes at %d KiB/s", total, KIB_PER_SECOND)
        .isGreaterThanOrEqualTo(fastest * 0.98)
        .isLessThan(fastest * 4 + 30);
  }

  private interface Transfer {
    Handle run(int i) throws Exception;
  }

  private static List<Handle> runInThreads(Transfer t) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<Handle>> fs = new ArrayList<>();
      for (int i = 0; i < THREADS * FILES_PER_THREAD; i++) {
        int n = i;
        fs.add(pool.submit(() -> t.run(n)));
      }
      List<Handle> out = new ArrayList<>();
      for (Future<Handle> f : fs) {
        out.add(f.get(5, TimeUnit.MINUTES));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}

package dev.bulwark.core.repo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.Id;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.concurrent.Workers;
import dev.bulwark.core.index.PackBlobs;
import dev.bulwark.core.pack.PackReader;
import dev.bulwark.core.pack.PackedBlob;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one pack-filling path of backup and repack, on a real local repository. */
class PackUploaderTest {
  private static final int PACK_BYTES = 1 << 20;
  @TempDir Path dir;
  private Repository repo;
  private final Random random = new Random(11);

  @BeforeEach
  void init() throws Exception {
    repo = Repository.init(LocalBackend.open(dir), "pw".getBytes(), RepositoryTest.FAST);
  }

  @AfterEach
  void close() throws Exception {
    repo.close();
  }

  @Test
  void fullPacksOfOneBlobTypeEachAreStoredOnUploadThreadsBeforeTheListenerHears()
      throws Exception {
    Map<Id, byte[]> plain = new HashMap<>();
    List<PackBlobs> heard = Collections.synchronizedList(new ArrayList<>());
    List<String> threads = Collections.synchronizedList(new ArrayList<>());
    List<Boolean> onDiskWhenHeard = Collections.synchronizedList(new ArrayList<>());
    try (Workers uploads = new Workers("test", "upload", 3)) {
      PackUploader uploader = new PackUploader(repo, PACK_BYTES, uploads.executor(), 2,
          (pack, bytes) -> {
            heard.add(pack);
            threads.add(Thread.currentThread().getName());
            onDiskWhenHeard.add(repo.packSizes().get(pack.pack()) == bytes);
          });
      for (int i = 0; i < 40; i++) {
        add(uploader, i % 8 == 0 ? BlobType.TREE : BlobType.DATA, 100_000, plain);
      }
      uploader.flush();
    }
    assertThat(heard.size()).as("35 data blobs of 100 kB fill more than three 1 MiB packs")
        .isGreaterThanOrEqualTo(4);
    assertThat(onDiskWhenHeard).containsOnly(true);
    assertThat(threads).allMatch(t -> t.startsWith("bulwark-test-upload"));
    Map<Id, Long> sizes = repo.packSizes();
    assertThat(sizes.keySet()).containsExactlyInAnyOrderElementsOf(
        heard.stream().map(PackBlobs::pack).toList());
    int blobs = 0;
    for (PackBlobs p : heard) {
      assertThat(p.blobs().stream().map(PackedBlob::type).distinct()).hasSize(1);
      assertThat(sizes.get(p.pack())).isEqualTo(PackReader.expectedSize(p.blobs()));
      byte[] data = repo.loadPack(p.pack());
      for (PackedBlob b : p.blobs()) {
        assertThat(repo.openBlob(data, (int) b.offset(), b, "pack")).isEqualTo(plain.get(b.id()));
        blobs++;
      }
    }
    assertThat(blobs).isEqualTo(40);
  }

  @Test
  void fillingWaitsWhileTheAllowedPacksAreInFlight() throws Exception {
    BlockingQueue<Runnable> handedOver = new LinkedBlockingQueue<>();
    PackUploader uploader = new PackUploader(repo, PACK_BYTES, handedOver::add, 1,
        (pack, bytes) -> { });
    Map<Id, byte[]> plain = new HashMap<>();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    Thread filler = new Thread(() -> {
      try {
        for (int i = 0; i < 25; i++) {
          add(uploader, BlobType.DATA, 100_000, plain);
        }
      } catch (Exception e) {
        failures.add(e);
      }
    }, "filler");
    filler.start();
    Runnable first = handedOver.poll(30, TimeUnit.SECONDS);
    assertThat(first).as("the first full pack is handed to an upload thread").isNotNull();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (filler.getState() != Thread.State.WAITING && filler.isAlive()
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(filler.getState()).as("the second full pack waits for the first upload")
        .isEqualTo(Thread.State.WAITING);
    assertThat(handedOver).isEmpty();
    first.run();
    Runnable second = handedOver.poll(30, TimeUnit.SECONDS);
    assertThat(second).isNotNull();
    second.run();
    filler.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(filler.isAlive()).isFalse();
    assertThat(failures).isEmpty();
    assertThat(repo.packSizes()).hasSize(2);
  }

  @Test
  void manyFillingThreadsHoldNoMorePacksThanTheBound() throws Exception {
    BlockingQueue<Runnable> handedOver = new LinkedBlockingQueue<>();
    PackUploader uploader = new PackUploader(repo, PACK_BYTES, handedOver::add, 1,
        (pack, bytes) -> { });
    Map<Id, byte[]> plain = new HashMap<>();
    AtomicLong accepted = new AtomicLong();
    List<Thread> fillers = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      Thread filler = new Thread(() -> {
        try {
          for (int i = 0; i < 100; i++) {
            add(uploader, BlobType.DATA, 100_000, plain);
            accepted.addAndGet(100_000);
          }
        } catch (Exception e) {
          // interrupted at the end of the test
        }
      }, "filler-" + t);
      fillers.add(filler);
      filler.start();
    }
    assertThat(handedOver.poll(30, TimeUnit.SECONDS)).isNotNull();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!fillers.stream().allMatch(f -> f.getState() == Thread.State.WAITING
        || f.getState() == Thread.State.BLOCKED) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    try {
      assertThat(fillers).allMatch(f -> f.isAlive() && f.getState() != Thread.State.RUNNABLE);
      assertThat(handedOver).as("the upload never ran, so no second pack went out").isEmpty();
      // One pack handed over and one full pack waiting for room: six threads each filling a
      // pack of its own while waiting would have held six.
      assertThat(accepted.get()).isLessThanOrEqualTo(2L * (PACK_BYTES + 100_000));
    } finally {
      fillers.forEach(Thread::interrupt);
      for (Thread f : fillers) {
        f.join(TimeUnit.SECONDS.toMillis(30));
      }
    }
  }

  private void add(PackUploader uploader, BlobType type, int size, Map<Id, byte[]> plain)
      throws Exception {
    byte[] data = new byte[size];
    random.nextBytes(data);
    Id id = Id.hash(data);
    synchronized (plain) {
      plain.put(id, data);
    }
    uploader.add(type, id, repo.key().seal(data, 0, data.length), 0);
  }

  @Test
  void packsShrinkOnlyOnAHeapTooSmallForThem() {
    int mib = 1024 * 1024;
    int pack = 16 * mib;
    // The launcher's -Xmx192m as the JVM reports it (parallel collector, class data sharing).
    assertThat(PackUploader.packBytesFor(pack, 171L * mib)).isEqualTo(pack);
    assertThat(PackUploader.packBytesFor(pack, 512L * mib)).isEqualTo(pack);
    // -Xmx128m: 4 MiB packs leave a 10 GiB backup at 16 KiB chunks its room.
    assertThat(PackUploader.packBytesFor(pack, 128L * mib))
        .isEqualTo(PackUploader.SMALL_HEAP_PACK_BYTES);
    assertThat(PackUploader.packBytesFor(pack, 123L * mib))
        .isEqualTo(PackUploader.SMALL_HEAP_PACK_BYTES);
    // Never larger than asked for.
    assertThat(PackUploader.packBytesFor(mib, 64L * mib)).isEqualTo(mib);
  }
}

package dev.bulwark.core.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import java.io.EOFException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Backend} must do, run against each implementation by a subclass that
 * supplies a fresh, created, empty repository per test.
 */
public abstract class BackendContract {
  private final Random random = new Random(20261121L);
  protected Backend backend;

  /** A backend over a new empty repository location, on which {@code create()} has run. */
  protected abstract Backend newBackend() throws Exception;

  @BeforeEach
  void openBackend() throws Exception {
    backend = newBackend();
  }

  @AfterEach
  void closeBackend() throws Exception {
    backend.close();
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static Handle handle(FileType type, byte[] content) {
    return Handle.of(type, Id.hash(content));
  }

  private List<FileInfo> list(FileType type) throws Exception {
    List<FileInfo> out = new ArrayList<>();
    backend.list(type, out::add);
    return out;
  }

  @Test
  void savesAndLoadsWholeFilesAndRanges() throws Exception {
    byte[] data = bytes(100_000);
    Handle h = handle(FileType.PACK, data);
    backend.save(h, data, 0, data.length);
    assertThat(backend.load(h, 0, -1)).isEqualTo(data);
    assertThat(backend.load(h, 1234, 5000)).isEqualTo(Arrays.copyOfRange(data, 1234, 6234));
    assertThat(backend.load(h, 99_990, -1)).isEqualTo(Arrays.copyOfRange(data, 99_990, 100_000));
    assertThat(backend.load(h, 99_999, 1)).containsExactly(data[99_999]);
    assertThat(backend.load(h, 500, 0)).isEmpty();
    assertThat(backend.stat(h)).contains(100_000L);
  }

  @Test
  void savesOnlyTheGivenRangeOfTheArray() throws Exception {
    byte[] buf = bytes(4096);
    byte[] part = Arrays.copyOfRange(buf, 100, 1100);
    Handle h = handle(FileType.INDEX, part);
    backend.save(h, buf, 100, 1000);
    assertThat(backend.load(h, 0, -1)).isEqualTo(part);
    assertThat(backend.stat(h)).contains(1000L);
  }

  @Test
  void emptyFilesAreFiles() throws Exception {
    Handle h = handle(FileType.LOCK, new byte[0]);
    backend.save(h, new byte[0], 0, 0);
    assertThat(backend.stat(h)).contains(0L);
    assertThat(backend.load(h, 0, -1)).isEmpty();
    assertThat(list(FileType.LOCK)).containsExactly(new FileInfo(h.name(), 0));
  }

  @Test
  void missingFilesAreReportedAsSuch() throws Exception {
    Handle h = handle(FileType.SNAPSHOT, bytes(10));
    assertThatThrownBy(() -> backend.load(h, 0, -1)).isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> backend.load(h, 5, 10)).isInstanceOf(NoSuchFileException.class);
    assertThat(backend.stat(h)).isEmpty();
    backend.delete(h); // deleting a missing file is not an error
    assertThat(list(FileType.SNAPSHOT)).isEmpty();
  }

  @Test
  void readingPastTheEndIsAnEofError() throws Exception {
    byte[] data = bytes(10);
    Handle h = handle(FileType.KEY, data);
    backend.save(h, data, 0, data.length);
    assertThatThrownBy(() -> backend.load(h, 5, 6)).isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> backend.load(h, 20, 1)).isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> backend.load(h, 11, 0)).isInstanceOf(EOFException.class);
  }

  @Test
  void listsEachKindSeparatelyWithSizes() throws Exception {
    Map<FileType, Map<String, Long>> expected = new HashMap<>();
    for (FileType t : FileType.values()) {
      if (t == FileType.CONFIG) {
        continue;
      }
      Map<String, Long> files = new HashMap<>();
      for (int i = 0; i < 3; i++) {
        byte[] d = bytes(10 + random.nextInt(1000));
        Handle h = handle(t, d);
        backend.save(h, d, 0, d.length);
        files.put(h.name(), (long) d.length);
      }
      expected.put(t, files);
    }
    byte[] config = bytes(50);
    backend.save(Handle.config(), config, 0, config.length);
    for (var e : expected.entrySet()) {
      Map<String, Long> listed = new HashMap<>();
      backend.list(e.getKey(), f -> assertThat(listed.put(f.name(), f.size())).isNull());
      assertThat(listed).as("listing of %s", e.getKey()).isEqualTo(e.getValue());
    }
    assertThatThrownBy(() -> backend.list(FileType.CONFIG, f -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void listsAFolderOfPathNamedFilesAndNothingBesideOrBelowIt() throws Exception {
    Map<String, Long> expected = new HashMap<>();
    for (String name : List.of("0000000000000001-0000000000000002.seg", "b.seg", "c")) {
      byte[] d = bytes(10 + random.nextInt(100));
      Handle h = new Handle(FileType.STREAM, "app/0001/" + name);
      backend.save(h, d, 0, d.length);
      expected.put(name, (long) d.length);
      assertThat(backend.load(h, 0, -1)).isEqualTo(d);
      assertThat(backend.stat(h)).contains((long) d.length);
    }
    byte[] other = bytes(5);
    backend.save(new Handle(FileType.STREAM, "app/0002/x.seg"), other, 0, 5);
    backend.save(new Handle(FileType.STREAM, "app/0001/deeper/y.seg"), other, 0, 5);
    backend.save(new Handle(FileType.STREAM, "app/0001x/z.seg"), other, 0, 5);
    Map<String, Long> listed = new HashMap<>();
    backend.listFolder(FileType.STREAM, "app/0001", f -> listed.put(f.name(), f.size()));
    assertThat(listed).isEqualTo(expected);
    List<String> none = new ArrayList<>();
    backend.listFolder(FileType.STREAM, "app/0003", f -> none.add(f.name()));
    assertThat(none).isEmpty();
    // Path-named files never show up as ids of their kind, nor as any other kind.
    assertThat(list(FileType.STREAM)).isEmpty();
    assertThat(list(FileType.SNAPSHOT)).isEmpty();
    backend.delete(new Handle(FileType.STREAM, "app/0001/b.seg"));
    listed.clear();
    backend.listFolder(FileType.STREAM, "app/0001", f -> listed.put(f.name(), f.size()));
    assertThat(listed).containsOnlyKeys("0000000000000001-0000000000000002.seg", "c");
    assertThatThrownBy(() -> backend.listFolder(FileType.SNAPSHOT, "app", f -> { }))
        .isInstanceOf(IllegalArgumentException.class);
    Map<String, Long> tree = new HashMap<>();
    backend.listTree(FileType.STREAM, f -> tree.put(f.name(), f.size()));
    Map<String, Long> expectedTree = new HashMap<>();
    listed.forEach((n, size) -> expectedTree.put("app/0001/" + n, size));
    expectedTree.put("app/0002/x.seg", 5L);
    expectedTree.put("app/0001/deeper/y.seg", 5L);
    expectedTree.put("app/0001x/z.seg", 5L);
    assertThat(tree).isEqualTo(expectedTree);
    assertThatThrownBy(() -> backend.listTree(FileType.SNAPSHOT, f -> { }))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Handle(FileType.STREAM, "app/../../config"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Handle(FileType.STREAM, "/abs"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Handle(FileType.STREAM, "app/x-tmp-123"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void deleteRemovesOnlyThatFile() throws Exception {
    byte[] a = bytes(100);
    byte[] b = bytes(100);
    Handle ha = handle(FileType.PACK, a);
    Handle hb = handle(FileType.PACK, b);
    backend.save(ha, a, 0, a.length);
    backend.save(hb, b, 0, b.length);
    backend.delete(ha);
    assertThat(backend.stat(ha)).isEmpty();
    assertThatThrownBy(() -> backend.load(ha, 0, -1)).isInstanceOf(NoSuchFileException.class);
    assertThat(backend.load(hb, 0, -1)).isEqualTo(b);
    assertThat(list(FileType.PACK)).containsExactly(new FileInfo(hb.name(), 100));
  }

  @Test
  void existsOnceTheConfigIsSavedAndCreateIsIdempotent() throws Exception {
    assertThat(backend.exists()).isFalse();
    byte[] config = bytes(200);
    backend.save(Handle.config(), config, 0, config.length);
    assertThat(backend.exists()).isTrue();
    backend.create();
    assertThat(backend.exists()).isTrue();
    assertThat(backend.load(Handle.config(), 0, -1)).isEqualTo(config);
  }

  @Test
  void savingTheSameContentAgainKeepsOneFile() throws Exception {
    byte[] data = bytes(5000);
    Handle h = handle(FileType.SNAPSHOT, data);
    backend.save(h, data, 0, data.length);
    backend.save(h, data, 0, data.length);
    assertThat(list(FileType.SNAPSHOT)).containsExactly(new FileInfo(h.name(), 5000));
    assertThat(backend.load(h, 0, -1)).isEqualTo(data);
  }

  /** A reader never sees part of a file that is being saved: all of it or nothing. */
  @Test
  void readersSeeWholeFilesOrNone() throws Exception {
    int files = 6;
    List<byte[]> contents = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      contents.add(bytes(2 << 20));
    }
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger wholeReads = new AtomicInteger();
    CountDownLatch readerStarted = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> reader = pool.submit(() -> {
        readerStarted.countDown();
        while (writing.get()) {
          for (byte[] c : contents) {
            Handle h = handle(FileType.PACK, c);
            try {
              byte[] got = backend.load(h, 0, -1);
              assertThat(got).as("a loaded file is complete").isEqualTo(c);
              wholeReads.incrementAndGet();
            } catch (NoSuchFileException notYet) {
              // not saved yet: fine
            }
            backend.stat(h).ifPresent(n -> assertThat(n).isEqualTo(c.length));
          }
        }
        return null;
      });
      readerStarted.await();
      for (byte[] c : contents) {
        backend.save(handle(FileType.PACK, c), c, 0, c.length);
      }
      writing.set(false);
      reader.get();
    } finally {
      pool.shutdownNow();
    }
    assertThat(list(FileType.PACK)).hasSize(files);
  }

  /** {@link Backend#connections()} writers at once all land. */
  @Test
  void parallelSavesAllLand() throws Exception {
    int n = Math.max(2, backend.connections()) * 8;
    Map<String, byte[]> saved = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(2, backend.connections()));
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byte[] d = bytes(1000 + i);
        done.add(pool.submit(() -> {
          Handle h = handle(FileType.PACK, d);
          backend.save(h, d, 0, d.length);
          saved.put(h.name(), d);
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    Map<String, Long> listed = new HashMap<>();
    backend.list(FileType.PACK, f -> listed.put(f.name(), f.size()));
    assertThat(listed).hasSize(n);
    for (var e : saved.entrySet()) {
      assertThat(listed.get(e.getKey())).isEqualTo(e.getValue().length);
      assertThat(backend.load(new Handle(FileType.PACK, e.getKey()), 0, -1))
          .isEqualTo(e.getValue());
    }
  }
}

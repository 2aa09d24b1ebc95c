package dev.bulwark.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.FileType;
import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.Handle;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.testing.TestRepositories;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link SegmentStore} does on a real repository, run against each backend by a subclass
 * that supplies a fresh, empty, created backend per test.
 */
public abstract class SegmentStoreContract {
  private final Random random = new Random(1104);
  private Backend backend;
  private Repository repo;
  private SegmentStore store;

  /** A backend over a new empty repository location, on which {@code create()} has run. */
  protected abstract Backend newBackend() throws Exception;

  @BeforeEach
  void openRepository() throws Exception {
    backend = newBackend();
    repo = TestRepositories.init(backend);
    store = new SegmentStore(repo);
  }

  @AfterEach
  void closeRepository() throws Exception {
    repo.close();
  }

  @Test
  void roundTripsAndListsInPositionOrder() throws Exception {
    // Saved out of order, with positions whose decimal and hex orders differ (9 < 0x10).
    long[][] ranges = {{0x10, 0x1f}, {1, 8}, {9, 9}, {0x100, 0x200}, {0x20, 0xff}};
    for (long[] r : ranges) {
      store.save("app", SegmentCodecTest.segment(random, 5, r[0], r[1], 30));
    }
    Segment other = SegmentCodecTest.segment(random, 6, 1, 2, 30);
    store.save("app", other);
    store.save("other.db", SegmentCodecTest.segment(random, 5, 1, 2, 30));

    List<SegmentRef> refs = store.list("app", 5);
    assertThat(refs).extracting(SegmentRef::firstTxid)
        .containsExactly(1L, 9L, 0x10L, 0x20L, 0x100L);
    assertThat(refs).extracting(SegmentRef::lastTxid)
        .containsExactly(8L, 9L, 0x1fL, 0xffL, 0x200L);
    assertThat(refs).allSatisfy(r -> assertThat(r.size()).isPositive());
    assertThat(refs.get(0).toString())
        .isEqualTo("bulwark/streams/app/0000000000000005/"
            + "0000000000000001-0000000000000008.seg");
    assertThat(store.list("app", 6)).hasSize(1);
    assertThat(store.load(store.list("app", 6).get(0))).isEqualTo(other);
    assertThat(store.list("app", 7)).isEmpty();
    // Streams are invisible to restic's kinds: the repository lists the same as before.
    assertThat(repo.list(FileType.SNAPSHOT)).isEmpty();
    assertThat(repo.list(FileType.INDEX)).isEmpty();
    assertThat(repo.list(FileType.PACK)).isEmpty();
  }

  @Test
  void aLoadedSegmentEqualsTheSavedOne() throws Exception {
    Segment s = SegmentCodecTest.segment(random, 9, 100, 140, 200);
    SegmentRef ref = store.save("app", s);
    assertThat(store.load(ref)).isEqualTo(s);
    assertThat(store.load(store.list("app", 9).get(0))).isEqualTo(s);
  }

  @Test
  void aSegmentOfALeaseEpochIsSavedWithoutLookingFirstAndReadsBackTheSame() throws Exception {
    Segment s = SegmentCodecTest.segment(random, 1, 1, 4, 30).withEpoch(7);
    SegmentRef ref = store.saveNew("app", s);
    assertThat(ref.epoch()).isEqualTo(7);
    assertThat(store.list("app", 1)).extracting(SegmentRef::firstTxid, SegmentRef::lastTxid,
        SegmentRef::epoch).containsExactly(tuple(1L, 4L, 7L));
    assertThat(store.load(ref)).isEqualTo(s);
    // The holder's retry after a failure that may have landed compares, and accepts the same.
    store.save("app", s);
    assertThat(store.load(ref)).isEqualTo(s);
  }

  @Test
  void withoutAnEpochSavingNewStillRefusesADifferentSegmentOfTheSameName() throws Exception {
    SegmentRef ref = store.save("app", SegmentCodecTest.segment(random, 1, 1, 4, 30));
    byte[] stored = backend.load(handle(ref), 0, -1);
    Segment different = SegmentCodecTest.segment(random, 1, 1, 4, 30);
    assertThatThrownBy(() -> store.saveNew("app", different))
        .isInstanceOf(CorruptionException.class).hasMessageContaining("another replicator");
    assertThat(backend.load(handle(ref), 0, -1)).isEqualTo(stored);
  }

  @Test
  void namesAreWriteOnce() throws Exception {
    Segment s = SegmentCodecTest.segment(random, 1, 1, 4, 30);
    SegmentRef ref = store.save("app", s);
    byte[] stored = backend.load(handle(ref), 0, -1);
    store.save("app", s); // A re-ship of the same segment is accepted and changes nothing.
    assertThat(backend.load(handle(ref), 0, -1)).isEqualTo(stored);
    Segment different = SegmentCodecTest.segment(random, 1, 1, 4, 30);
    assertThatThrownBy(() -> store.save("app", different))
        .isInstanceOf(CorruptionException.class).hasMessageContaining(ref.toString())
        .hasMessageContaining("another replicator");
    assertThat(backend.load(handle(ref), 0, -1)).isEqualTo(stored);
  }

  @Test
  void aFlippedByteIsRefusedNamingTheSegment() throws Exception {
    SegmentRef ref = store.save("app", SegmentCodecTest.segment(random, 1, 1, 4, 30));
    byte[] stored = backend.load(handle(ref), 0, -1);
    for (int at : new int[] {0, 20, stored.length / 2, stored.length - 1}) {
      byte[] damaged = stored.clone();
      damaged[at] ^= 0x10;
      replace(ref, damaged);
      assertThatThrownBy(() -> store.load(ref)).isInstanceOf(CorruptionException.class)
          .hasMessageContaining(ref.toString());
    }
  }

  @Test
  void aTruncatedFileIsRefusedNamingTheSegment() throws Exception {
    SegmentRef ref = store.save("app", SegmentCodecTest.segment(random, 1, 1, 4, 30));
    byte[] stored = backend.load(handle(ref), 0, -1);
    for (int keep : new int[] {0, 10, 40, stored.length - 1}) {
      replace(ref, Arrays.copyOf(stored, keep));
      assertThatThrownBy(() -> store.load(ref)).isInstanceOf(CorruptionException.class)
          .hasMessageContaining(ref.toString());
    }
  }

  @Test
  void aSegmentUnderAnotherNameIsRefused() throws Exception {
    SegmentRef ref = store.save("app", SegmentCodecTest.segment(random, 1, 1, 4, 30));
    SegmentRef moved = new SegmentRef("app", 1, 1, 5, 0);
    byte[] stored = backend.load(handle(ref), 0, -1);
    backend.save(handle(moved), stored, 0, stored.length);
    assertThatThrownBy(() -> store.load(moved)).isInstanceOf(CorruptionException.class)
        .hasMessageContaining(moved.toString()).hasMessageContaining("not what its name says");
    assertThatThrownBy(() -> store.load(new SegmentRef("app", 1, 7, 8, 0)))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void databaseIdsAreSafeFolderNames() {
    assertThatThrownBy(() -> store.list("../x", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.list("App", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.list("a/b", 1)).isInstanceOf(IllegalArgumentException.class);
  }

  private void replace(SegmentRef ref, byte[] content) throws Exception {
    backend.delete(handle(ref));
    backend.save(handle(ref), content, 0, content.length);
  }

  private static Handle handle(SegmentRef ref) {
    return new Handle(FileType.STREAM, ref.path());
  }
}

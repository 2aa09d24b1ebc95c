package dev.bulwark.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.backend.Handle;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backend.TransientBackendException;
import dev.bulwark.core.testing.FaultyBackend.Fault;
import dev.bulwark.core.testing.FaultyBackend.Op;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fault-injecting backend itself, around a real local backend. */
class FaultyBackendTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @TempDir Path dir;
  private FaultyBackend backend;

  @BeforeEach
  void create() throws IOException {
    backend = new FaultyBackend(LocalBackend.open(dir));
    backend.create();
  }

  private Handle save(FileType type, String content) throws IOException {
    byte[] b = content.getBytes(StandardCharsets.UTF_8);
    Handle h = Handle.of(type, Id.hash(b));
    backend.save(h, b, 0, b.length);
    return h;
  }

  @Test
  void failsOnlyTheNthCallOfTheChosenTypeAndCountsFromWhenItWasAdded() throws IOException {
    save(FileType.PACK, "before the fault"); // not counted by a fault added later
    Fault f = backend.on(Op.SAVE).type(FileType.PACK).nth(2).fail();

    save(FileType.INDEX, "an index is another type");
    save(FileType.PACK, "first pack");
    assertThatThrownBy(() -> save(FileType.PACK, "second pack"))
        .isExactlyInstanceOf(IOException.class).hasMessageContaining("injected failure")
        .hasMessageContaining("data/");
    save(FileType.PACK, "third pack");

    assertThat(f.fired()).isEqualTo(1);
    List<String> packs = new ArrayList<>();
    backend.list(FileType.PACK, fi -> packs.add(fi.name()));
    assertThat(packs).hasSize(3); // the failed save wrote nothing
    assertThat(backend.calls(Op.SAVE)).isEqualTo(5);
  }

  @Test
  void transientFailuresFromTheNthCallOn() throws IOException {
    Handle h = save(FileType.SNAPSHOT, "snapshot");
    backend.on(Op.STAT).from(2).failTransient();
    assertThat(backend.stat(h)).contains((long) "snapshot".length());
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> backend.stat(h)).isInstanceOf(TransientBackendException.class);
    }
    backend.clearFaults();
    assertThat(backend.stat(h)).isPresent();
  }

  @Test
  void listAndDeleteFail() throws IOException {
    Handle h = save(FileType.LOCK, "lock");
    backend.on(Op.LIST).type(FileType.LOCK).always().fail();
    backend.on(Op.DELETE).nth(1).fail();
    assertThatThrownBy(() -> backend.list(FileType.LOCK, fi -> { }))
        .hasMessageContaining("list locks");
    backend.list(FileType.PACK, fi -> { }); // another type lists normally
    assertThatThrownBy(() -> backend.delete(h)).hasMessageContaining("delete locks/");
    assertThat(backend.inner().stat(h)).isPresent();
    backend.delete(h);
    assertThat(backend.inner().stat(h)).isEmpty();
  }

  @Test
  void truncatesAndCorruptsLoadsWithoutTouchingTheStoredFile() throws IOException {
    Handle h = save(FileType.PACK, "0123456789");
    backend.on(Op.LOAD).nth(1).truncate(3);
    backend.on(Op.LOAD).nth(2).corrupt();
    backend.on(Op.LOAD).nth(4).truncate(3);
    assertThat(new String(backend.load(h, 0, -1), StandardCharsets.UTF_8)).isEqualTo("0123456");
    byte[] corrupt = backend.load(h, 0, -1);
    assertThat(corrupt).hasSize(10).isNotEqualTo("0123456789".getBytes(StandardCharsets.UTF_8));
    assertThat(corrupt[5] ^ '5').isEqualTo(1);
    assertThat(new String(backend.load(h, 0, -1), StandardCharsets.UTF_8))
        .isEqualTo("0123456789");
    assertThatThrownBy(() -> backend.load(h, 5, 5)).isInstanceOf(java.io.EOFException.class)
        .hasMessageContaining("has 7 bytes");
    backend.on(Op.LOAD).nth(1).truncate(3);
    assertThat(backend.load(h, 2, 5)).isEqualTo("23456".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> backend.on(Op.SAVE).corrupt())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aStallBlocksUntilReleasedThenProceeds() throws Exception {
    Handle h = save(FileType.PACK, "stalled");
    Fault stall = backend.on(Op.LOAD).nth(1).stall(Duration.ofMinutes(1));
    CompletableFuture<byte[]> load = CompletableFuture.supplyAsync(() -> {
      try {
        return backend.load(h, 0, -1);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    assertThat(stall.awaitFired(WAIT)).isTrue();
    Thread.sleep(100);
    assertThat(load).isNotDone();
    stall.release();
    assertThat(new String(load.get(WAIT.toSeconds(), TimeUnit.SECONDS), StandardCharsets.UTF_8))
        .isEqualTo("stalled");
  }

  @Test
  void aStallTimesOutAsATransientFailureAndAnInterruptEndsIt() throws Exception {
    Handle h = save(FileType.PACK, "stalled");
    backend.on(Op.LOAD).nth(1).stall(Duration.ofMillis(50));
    assertThatThrownBy(() -> backend.load(h, 0, -1))
        .isInstanceOf(TransientBackendException.class).hasMessageContaining("timed out");

    Fault stall = backend.on(Op.SAVE).nth(1).stall(Duration.ofMinutes(1));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        save(FileType.PACK, "never saved");
      } catch (IOException e) {
        thrown.set(e);
      }
    });
    t.start();
    assertThat(stall.awaitFired(WAIT)).isTrue();
    t.interrupt();
    t.join(WAIT.toMillis());
    assertThat(t.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(InterruptedIOException.class);
    List<String> packs = new ArrayList<>();
    backend.list(FileType.PACK, fi -> packs.add(fi.name()));
    assertThat(packs).hasSize(1);
  }
}

package dev.bulwark.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointCounterTest {
  @TempDir Path dir;

  @Test
  void aCheckpointIsDueEverySevenUnitsExactly() {
    CheckpointCounter c = new CheckpointCounter(CheckpointPolicy.defaults().withEvery(7), "job");
    List<Integer> due = new ArrayList<>();
    for (int unit = 1; unit <= 30; unit++) {
      if (c.add(1)) {
        due.add(unit);
      }
    }
    assertThat(due).containsExactly(7, 14, 21, 28);
    assertThat(c.units()).isEqualTo(30);
  }

  @Test
  void aYieldAskedBeforeStartStopsTheJobAtItsFirstCheckpoint() {
    AtomicInteger asked = new AtomicInteger();
    YieldSignal always = () -> {
      asked.incrementAndGet();
      return "urgent work";
    };
    CheckpointCounter c = new CheckpointCounter(new CheckpointPolicy(3, always), "backup");
    int units = 0;
    JobYieldedException stopped = null;
    try {
      while (true) {
        units++;
        if (c.add(1)) {
          c.checkpointed();
        }
      }
    } catch (JobYieldedException e) {
      stopped = e;
    }
    assertThat(units).isEqualTo(3);
    assertThat(c.checkpoints()).isEqualTo(1);
    assertThat(asked).hasValue(1);
    assertThat(stopped.getMessage())
        .isEqualTo("backup yielded at a checkpoint (urgent work); run it again to resume");
    assertThat(stopped.job()).isEqualTo("backup");
    assertThat(stopped.reason()).isEqualTo("urgent work");
  }

  @Test
  void aSignalIsAskedOnlyAtCheckpoints() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    CheckpointCounter c = new CheckpointCounter(new CheckpointPolicy(5, () -> {
      asked.incrementAndGet();
      return null;
    }), "job");
    for (int i = 0; i < 23; i++) {
      if (c.add(1)) {
        c.checkpointed();
      }
    }
    assertThat(asked).hasValue(4);
    assertThat(c.checkpoints()).isEqualTo(4);
  }

  @Test
  void theLargestIntervalNeverOverflowsNorComesEarly() {
    CheckpointCounter c = new CheckpointCounter(
        CheckpointPolicy.defaults().withEvery(Integer.MAX_VALUE), "job");
    assertThat(c.add(Integer.MAX_VALUE - 1L)).isFalse();
    assertThat(c.add(1)).isTrue();
    // Units past Long.MAX_VALUE saturate instead of wrapping to a negative count.
    assertThat(c.add(Long.MAX_VALUE)).isTrue();
    assertThat(c.add(Long.MAX_VALUE)).isTrue();
    assertThat(c.units()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void saturatingAddStopsAtLongMax() {
    assertThat(CheckpointCounter.saturatingAdd(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
    assertThat(CheckpointCounter.saturatingAdd(Long.MAX_VALUE - 5, 10)).isEqualTo(Long.MAX_VALUE);
    assertThat(CheckpointCounter.saturatingAdd(Long.MAX_VALUE, Long.MAX_VALUE))
        .isEqualTo(Long.MAX_VALUE);
    assertThat(CheckpointCounter.saturatingAdd(40, 2)).isEqualTo(42);
  }

  @Test
  void anIntervalBelowOneIsRefused() {
    assertThatThrownBy(() -> CheckpointPolicy.defaults().withEvery(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> CheckpointPolicy.defaults().withEvery(-7))
        .isInstanceOf(IllegalArgumentException.class);
    CheckpointCounter c = new CheckpointCounter(CheckpointPolicy.defaults(), "job");
    assertThatThrownBy(() -> c.add(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aYieldFileAsksWhileItExistsAndIsNeverDeleted() throws Exception {
    Path sentinel = dir.resolve("yield");
    YieldFile signal = new YieldFile(sentinel);
    assertThat(signal.requested()).isNull();
    Files.writeString(sentinel, "someone else's");
    assertThat(signal.requested()).isEqualTo("yield file " + sentinel + " exists");
    CheckpointCounter c = new CheckpointCounter(new CheckpointPolicy(1, signal), "check");
    c.add(1);
    assertThatThrownBy(c::checkpointed).isInstanceOf(JobYieldedException.class);
    assertThat(sentinel).hasContent("someone else's");
    Files.delete(sentinel);
    assertThat(signal.requested()).isNull();
  }

  @Test
  void aDanglingLinkAsASentinelStillAsks() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("nowhere"));
    assertThat(new YieldFile(link).requested()).contains("exists");
  }

  @Test
  void anyOfAsksWhenOneSignalAsksAndTheFirstReasonWins() {
    YieldSignal both = YieldSignal.anyOf(List.of(YieldSignal.NEVER, () -> "api", () -> "file"));
    assertThat(both.requested()).isEqualTo("api");
    assertThat(YieldSignal.anyOf(List.of(YieldSignal.NEVER)).requested()).isNull();
  }
}

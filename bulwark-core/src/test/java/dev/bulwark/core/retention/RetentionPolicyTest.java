package dev.bulwark.core.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

  @Test
  void theBuilderSetsEachRuleByName() {
    RetentionPolicy p = RetentionPolicy.builder().last(2).hourly(3).daily(7).weekly(5)
        .monthly(12).yearly(1).within(KeepWithin.parse("14d")).tagged("release")
        .tagged("a", "b").build();
    assertThat(p).isEqualTo(new RetentionPolicy(2, 3, 7, 5, 12, 1, KeepWithin.parse("14d"),
        List.of("release", "a,b")));
    assertThat(p.isEmpty()).isFalse();
  }

  @Test
  void anUnsetRuleIsOff() {
    assertThat(RetentionPolicy.builder().build()).isEqualTo(RetentionPolicy.KEEP_ALL);
    assertThat(RetentionPolicy.builder().build().isEmpty()).isTrue();
    assertThatThrownBy(() -> RetentionPolicy.builder().daily(-1).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aKeepTagRuleWithoutATagIsRefusedNotTakenAsKeepNothing() {
    assertThatThrownBy(() -> RetentionPolicy.builder().tagged())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keep-tag");
    assertThat(RetentionPolicy.builder().tagged("").build().tags())
        .as("restic's --keep-tag '': the untagged snapshots").containsExactly("");
  }
}

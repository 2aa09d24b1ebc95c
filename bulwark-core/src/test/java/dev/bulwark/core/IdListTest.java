package dev.bulwark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdListTest {
  private static Id id(int n) {
    return Id.hash(ByteBuffer.allocate(4).putInt(n).array());
  }

  @Test
  void holdsManyIdsInOrderAcrossPagesAndEqualsAnyListOfThem() {
    List<Id> plain = new ArrayList<>();
    IdList.Builder b = IdList.builder();
    // Over two pages of 32 Ki ids, and a page grown several times.
    for (int n = 0; n < 70_000; n++) {
      plain.add(id(n));
      b.add(id(n));
    }
    IdList list = b.build();
    assertThat(list).hasSize(70_000).isEqualTo(plain);
    assertThat(list.hashCode()).isEqualTo(plain.hashCode());
    assertThat(list.get(32_768)).isEqualTo(id(32_768));
    assertThat(IdList.copyOf(plain)).isEqualTo(list);
    assertThat(IdList.copyOf(list)).isSameAs(list);
    assertThatThrownBy(() -> list.get(70_000)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void isImmutableAndRefusesNull() {
    IdList list = IdList.builder().add(id(1)).build();
    assertThatThrownBy(() -> list.add(id(2))).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> IdList.builder().add(null)).isInstanceOf(NullPointerException.class);
    assertThat(IdList.copyOf(List.of())).isSameAs(IdList.empty()).isEmpty();
  }
}

package dev.bulwark.core.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.Id;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeTest {
  private static final Instant T = Instant.parse("2026-11-21T19:57:49.755983134Z");
  private static final Id ID = Id.hash(new byte[] {1});

  private static Node file(String name) {
    return Node.file(name, 0644, T, T, T, 0, 0, 0, List.of());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a/b", "/", "bad\ud800", "bad\udc00x"})
  void rejectsNamesThatCannotBeFileNames(String name) {
    assertThatThrownBy(() -> file(name)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void acceptsNamesWithCharactersResticQuotes() {
    assertThat(file("new\nline😀").name().toString()).isEqualTo("new\nline😀");
  }

  @Test
  void fileNeedsContentListAndOthersMustNotHaveOne() {
    assertThatThrownBy(() -> Node.file("f", 0644, T, T, T, 0, 0, 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("content");
    assertThatThrownBy(
            () -> new Node("d", NodeType.DIR, 0, T, T, T, 0, 0, "", "", 0, 0, 0, 0, null, 0,
                List.of(), ID))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void dirNeedsSubtreeAndOthersMustNotHaveOne() {
    assertThatThrownBy(() -> Node.dir("d", 0755, T, T, T, 0, 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("subtree");
    assertThatThrownBy(
            () -> new Node("s", NodeType.SYMLINK, 0, T, T, T, 0, 0, "", "", 0, 0, 0, 0, "x", 0,
                null, ID))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void contentIsCopiedAndImmutable() {
    List<Id> ids = new ArrayList<>(List.of(ID));
    Node n = Node.file("f", 0644, T, T, T, 0, 0, 1, ids);
    ids.clear();
    assertThat(n.content()).containsExactly(ID);
    assertThatThrownBy(() -> n.content().add(ID)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void factoriesAddTypeBitsAndRefuseForeignOnes() {
    assertThat(Node.dir("d", 0755, T, T, T, 0, 0, ID).mode()).isEqualTo(2147484141L);
    assertThat(Node.symlink("l", 0777, T, T, T, 0, 0, "t").mode()).isEqualTo(134218239L);
    assertThat(file("f").mode()).isEqualTo(420L);
    assertThatThrownBy(() -> Node.file("f", GoFileMode.DIR | 0644, T, T, T, 0, 0, 0, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsUint32FieldsOutOfRange() {
    assertThatThrownBy(() -> Node.file("f", 0644, T, T, T, -1, 0, 0, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("uid");
    assertThatThrownBy(() -> Node.file("f", 0644, T, T, T, 0, 1L << 32, 0, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gid");
    assertThat(Node.file("f", 0644, T, T, T, 0xFFFF_FFFFL, 0, 0, List.of()).uid())
        .isEqualTo(0xFFFF_FFFFL);
  }

  @Test
  void normalisesAbsentStrings() {
    Node n = new Node("s", NodeType.SYMLINK, 0, T, T, T, 0, 0, null, null, 0, 0, 0, 0, "", 0,
        null, null);
    assertThat(n.user()).isEmpty();
    assertThat(n.group()).isEmpty();
    assertThat(n.linkTarget()).isNull();
  }
}

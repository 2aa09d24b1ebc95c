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

  private static Node.Builder stamped(String name, NodeType type) {
    return Node.builder(name, type).permissions(0644).mtime(T).atime(T).ctime(T);
  }

  private static Node file(String name) {
    return stamped(name, NodeType.FILE).content(List.of()).build();
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
    assertThatThrownBy(() -> stamped("f", NodeType.FILE).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("content");
    assertThatThrownBy(() -> stamped("d", NodeType.DIR).content(List.of()).subtree(ID).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not have a content list");
  }

  @Test
  void dirNeedsSubtreeAndOthersMustNotHaveOne() {
    assertThatThrownBy(() -> stamped("d", NodeType.DIR).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("subtree");
    assertThatThrownBy(() -> stamped("s", NodeType.SYMLINK).linkTarget("x").subtree(ID).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not have a subtree");
  }

  @Test
  void contentIsCopiedAndImmutable() {
    List<Id> ids = new ArrayList<>(List.of(ID));
    Node n = stamped("f", NodeType.FILE).size(1).content(ids).build();
    ids.clear();
    assertThat(n.content()).containsExactly(ID);
    assertThatThrownBy(() -> n.content().add(ID)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void permissionsAddTypeBitsAndRefuseForeignOnes() {
    assertThat(Node.builder("d", NodeType.DIR).permissions(0755).subtree(ID).build().mode())
        .isEqualTo(2147484141L);
    assertThat(Node.builder("l", NodeType.SYMLINK).permissions(0777).linkTarget("t").build()
        .mode()).isEqualTo(134218239L);
    assertThat(file("f").mode()).isEqualTo(420L);
    assertThatThrownBy(() -> Node.builder("f", NodeType.FILE).permissions(0100644))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void modeIsKeptExactlyAsGivenForParsedTrees() {
    long foreign = GoFileMode.SYMLINK | 0644;
    assertThat(Node.builder("f", NodeType.FILE).mode(foreign).content(List.of()).build().mode())
        .isEqualTo(foreign);
  }

  @Test
  void unsetFieldsTakeResticsZeroValues() {
    Node n = Node.builder("d", NodeType.DIR).subtree(ID).build();
    assertThat(n.mode()).isEqualTo(GoFileMode.DIR);
    assertThat(n)
        .isEqualTo(new Node(FileName.of("d"), NodeType.DIR, GoFileMode.DIR, null, null, null, 0,
            0, "", "", 0, 0, 0, 0, null, 0, null, ID));
  }

  @Test
  void everySetterReachesItsField() {
    Instant m = T.plusSeconds(1);
    Instant a = T.plusSeconds(2);
    Instant c = T.plusSeconds(3);
    Node n = Node.builder("tty", NodeType.CHARDEV).mode(69206416L).mtime(m).atime(a).ctime(c)
        .uid(1).gid(2).user("u").group("g").inode(3).deviceId(4).size(5).links(6).device(7)
        .build();
    assertThat(n).isEqualTo(new Node(FileName.of("tty"), NodeType.CHARDEV, 69206416L, m, a, c,
        1, 2, "u", "g", 3, 4, 5, 6, null, 7, null, null));
    Node link = Node.builder("l", NodeType.SYMLINK).linkTarget(LinkTarget.of("t")).build();
    assertThat(link.linkTarget()).isEqualTo(LinkTarget.of("t"));
  }

  @Test
  void eachFieldIsSetOnceAndASecondSetIsNamed() {
    assertThatThrownBy(() -> Node.builder("f", NodeType.FILE).permissions(0644).mode(420))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("mode of node f is already set");
    assertThatThrownBy(() -> Node.builder("f", NodeType.FILE).deviceId(1).deviceId(2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("device_id of node f is already set");
  }

  @Test
  void rejectsUint32FieldsOutOfRange() {
    assertThatThrownBy(() -> stamped("f", NodeType.FILE).uid(-1).content(List.of()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("uid");
    assertThatThrownBy(
            () -> stamped("f", NodeType.FILE).gid(1L << 32).content(List.of()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gid");
    assertThat(stamped("f", NodeType.FILE).uid(0xFFFF_FFFFL).content(List.of()).build().uid())
        .isEqualTo(0xFFFF_FFFFL);
  }

  @Test
  void normalisesAbsentStrings() {
    Node n = stamped("s", NodeType.SYMLINK).user(null).group(null).linkTarget("").build();
    assertThat(n.user()).isEmpty();
    assertThat(n.group()).isEmpty();
    assertThat(n.linkTarget()).isNull();
  }
}

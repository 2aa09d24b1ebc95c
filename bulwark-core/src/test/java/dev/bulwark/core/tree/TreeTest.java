package dev.bulwark.core.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TreeTest {
  private static final Instant T = Instant.parse("2026-11-21T19:57:49.755983134Z");
  private static final String TS = "2026-11-21T19:57:49.755983134Z";
  private static final Id A = Id.parse("98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4");
  private static final Id B = Id.parse("358f3e2e2d4b4793ad23737f7553784baf5e568b815efde7d1fa44ab7eeab32d");

  /** One directory of a real restic 0.14 tree (user names shortened to root). */
  private static final String RESTIC_TREE =
      "{\"nodes\":["
          + "{\"name\":\"back\\\\\\\\slash\",\"type\":\"file\",\"mode\":420,\"mtime\":\"" + TS
          + "\",\"atime\":\"" + TS + "\",\"ctime\":\"" + TS + "\",\"uid\":0,\"gid\":0,\"user\":\"root\","
          + "\"group\":\"root\",\"inode\":2146482,\"device_id\":65024,\"size\":2,\"links\":1,"
          + "\"content\":[\"" + A + "\"]},"
          + "{\"name\":\"empty\",\"type\":\"file\",\"mode\":420,\"mtime\":\"" + TS + "\",\"atime\":\""
          + TS + "\",\"ctime\":\"" + TS + "\",\"uid\":0,\"gid\":0,\"user\":\"root\",\"group\":\"root\","
          + "\"inode\":2146488,\"device_id\":65024,\"links\":1,\"content\":[]},"
          + "{\"name\":\"link\",\"type\":\"symlink\",\"mode\":134218239,\"mtime\":\"" + TS
          + "\",\"atime\":\"" + TS + "\",\"ctime\":\"" + TS + "\",\"uid\":0,\"gid\":0,\"user\":\"root\","
          + "\"group\":\"root\",\"inode\":2146490,\"device_id\":65024,\"links\":1,"
          + "\"linktarget\":\"plain\",\"content\":null},"
          + "{\"name\":\"sub\",\"type\":\"dir\",\"mode\":2147484141,\"mtime\":\"" + TS + "\",\"atime\":\""
          + TS + "\",\"ctime\":\"" + TS + "\",\"uid\":0,\"gid\":0,\"user\":\"root\",\"group\":\"root\","
          + "\"inode\":2146480,\"device_id\":65024,\"content\":null,\"subtree\":\"" + B + "\"}"
          + "]}\n";

  private static Node.Builder stamped(String name, NodeType type) {
    return Node.builder(name, type).mtime(T).atime(T).ctime(T);
  }

  private static Node file(String name) {
    return stamped(name, NodeType.FILE).permissions(0644).content(List.of()).build();
  }

  private static String json(Tree tree) {
    return new String(tree.toJson(), StandardCharsets.UTF_8);
  }

  private static Tree parse(String json) throws CorruptionException {
    return Tree.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void sortsByUtf8BytesWhereStringCompareToDisagrees() {
    assertThat("😀".compareTo("Ａ")).as("UTF-16 order puts the surrogate pair first").isNegative();
    Tree tree = new Tree(List.of(file("😀"), file("Ａ"), file("é"), file("b"), file("B")));
    assertThat(tree.nodes()).extracting(n -> n.name().toString()).containsExactly("B", "b", "é", "Ａ", "😀");
  }

  @Test
  void sortOrderEqualsUnsignedUtf8ByteOrderForRandomNames() {
    long seed = Long.getLong("bulwark.test.seed", new Random().nextLong());
    Random random = new Random(seed);
    List<Node> nodes = new ArrayList<>();
    List<String> names = new ArrayList<>();
    while (names.size() < 2000) {
      StringBuilder sb = new StringBuilder();
      int len = 1 + random.nextInt(3);
      for (int i = 0; i < len; i++) {
        int cp;
        do {
          cp = random.nextInt(4) == 0 ? 0xe000 + random.nextInt(0x2000) : random.nextInt(0x30000);
        } while ((cp >= 0xd800 && cp <= 0xdfff) || cp == '/' || cp == 0);
        sb.appendCodePoint(cp);
      }
      if (!names.contains(sb.toString())) {
        names.add(sb.toString());
        nodes.add(file(sb.toString()));
      }
    }
    Collections.shuffle(nodes, random);
    names.sort((x, y) -> Arrays.compareUnsigned(
        x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8)));
    assertThat(new Tree(nodes).nodes()).extracting(n -> n.name().toString()).as("seed %d", seed)
        .containsExactlyElementsOf(names);
  }

  @Test
  void rejectsDuplicateNames() {
    assertThatThrownBy(() -> new Tree(List.of(file("x"), file("y"), file("x"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate");
  }

  @Test
  void emptyFileHasEmptyContentArrayAndNoSize() {
    assertThat(json(new Tree(List.of(file("empty")))))
        .isEqualTo("{\"nodes\":[{\"name\":\"empty\",\"type\":\"file\",\"mode\":420,\"mtime\":\"" + TS
            + "\",\"atime\":\"" + TS + "\",\"ctime\":\"" + TS + "\",\"uid\":0,\"gid\":0,"
            + "\"content\":[]}]}\n");
  }

  @Test
  void dirHasNullContentThenSubtree() {
    Node sub = stamped("sub", NodeType.DIR).permissions(0755).uid(1000).gid(1000).subtree(B)
        .build();
    assertThat(json(new Tree(List.of(sub))))
        .isEqualTo("{\"nodes\":[{\"name\":\"sub\",\"type\":\"dir\",\"mode\":2147484141,\"mtime\":\""
            + TS + "\",\"atime\":\"" + TS + "\",\"ctime\":\"" + TS + "\",\"uid\":1000,\"gid\":1000,"
            + "\"content\":null,\"subtree\":\"" + B + "\"}]}\n");
  }

  @Test
  void writesEveryFieldInGoOrderAndUint64Unsigned() {
    Node dev = Node.builder("tty", NodeType.CHARDEV).permissions(0620).atime(T).ctime(T)
        .uid(0xFFFF_FFFFL).gid(5).user("u").group("tty").inode(-1L).deviceId(64769).links(1)
        .device(1025).build();
    Node big = stamped("big", NodeType.FILE).mode(0).inode(1).deviceId(2).size(-1L).links(3)
        .content(List.of(A, B)).build();
    assertThat(json(new Tree(List.of(dev, big))))
        .isEqualTo("{\"nodes\":["
            + "{\"name\":\"big\",\"type\":\"file\",\"mtime\":\"" + TS + "\",\"atime\":\"" + TS
            + "\",\"ctime\":\"" + TS + "\",\"uid\":0,\"gid\":0,\"inode\":1,\"device_id\":2,"
            + "\"size\":18446744073709551615,\"links\":3,\"content\":[\"" + A + "\",\"" + B + "\"]},"
            + "{\"name\":\"tty\",\"type\":\"chardev\",\"mode\":69206416,"
            + "\"mtime\":\"0001-01-01T00:00:00Z\",\"atime\":\"" + TS + "\",\"ctime\":\"" + TS
            + "\",\"uid\":4294967295,\"gid\":5,\"user\":\"u\",\"group\":\"tty\","
            + "\"inode\":18446744073709551615,\"device_id\":64769,\"links\":1,\"device\":1025,"
            + "\"content\":null}"
            + "]}\n");
  }

  @Test
  void endsWithNewlineAndWritesEmptyTreeAsEmptyArray() {
    assertThat(json(new Tree(List.of()))).isEqualTo("{\"nodes\":[]}\n");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "back\\slash|\"back\\\\\\\\slash\"",
        "quo\"te|\"quo\\\\\\\"te\"",
        "a<b>&c|\"a\\u003cb\\u003e\\u0026c\"",
        "tab\there|\"tab\\\\there\"",
      })
  void nameIsGoQuotedThenJsonEscaped(String name, String expectedJson) {
    String unescapedName = name.replace("\\t", "\t");
    assertThat(json(new Tree(List.of(file(unescapedName)))))
        .contains("{\"name\":" + expectedJson + ",");
  }

  @Test
  void nameWithNewlineAndLineSeparatorIsEscapedTwice() {
    assertThat(json(new Tree(List.of(file("new\nline\u2028")))))
        .contains("{\"name\":\"new\\\\nline\\\\u2028\",");
  }

  @Test
  void otherStringsGetGoJsonEscapingOnly() {
    Node n = stamped("s", NodeType.SYMLINK).mode(0).user("<\u0001\u001f")
        .linkTarget("a\\b\"c\n\u2029\u007f&é😀").build();
    assertThat(json(new Tree(List.of(n))))
        .contains("\"user\":\"\\u003c\\u0001\\u001f\",")
        .contains("\"linktarget\":\"a\\\\b\\\"c\\n\\u2029\u007f\\u0026é😀\",");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "2026-01-02T03:04:05Z, 2026-01-02T03:04:05Z",
    "2026-01-02T03:04:05.500Z, 2026-01-02T03:04:05.5Z",
    "2026-01-02T03:04:05.000000001Z, 2026-01-02T03:04:05.000000001Z",
    "2026-01-02T03:04:05.120Z, 2026-01-02T03:04:05.12Z",
    "+12026-01-02T03:04:05Z, 9999-01-02T03:04:05Z",
    "0001-01-01T00:00:00Z, 0001-01-01T00:00:00Z",
  })
  void formatsTimesLikeGoRfc3339Nano(String instant, String expected) {
    assertThat(GoJson.formatTime(Instant.parse(instant))).isEqualTo(expected);
  }

  @Test
  void parsesResticTreeAndWritesItBackByteForByte() throws Exception {
    Tree tree = parse(RESTIC_TREE);
    assertThat(tree.nodes()).extracting(n -> n.name().toString()).containsExactly("back\\slash", "empty", "link", "sub");
    Node backslash = tree.nodes().get(0);
    assertThat(backslash.size()).isEqualTo(2);
    assertThat(backslash.content()).containsExactly(A);
    assertThat(backslash.mtime()).isEqualTo(T);
    assertThat(backslash.inode()).isEqualTo(2146482);
    assertThat(tree.nodes().get(1).content()).isEmpty();
    assertThat(tree.nodes().get(2).linkTarget().toString()).isEqualTo("plain");
    assertThat(tree.nodes().get(3).subtree()).isEqualTo(B);
    assertThat(json(new Tree(tree.nodes()))).isEqualTo(RESTIC_TREE);
  }

  @Test
  void parseIgnoresUnknownFieldsAndToleratesMissingOnes() throws Exception {
    Tree tree = parse("{\"nodes\":[{\"name\":\"f\",\"type\":\"file\","
        + "\"mtime\":\"2026-11-21T21:57:49.5+02:00\",\"atime\":null,"
        + "\"extended_attributes\":[{\"name\":\"user.x\",\"value\":null}],"
        + "\"generic_attributes\":{\"windows.sd\":\"AAAA\"},\"linktarget_raw\":\"AA==\","
        + "\"error\":\"\",\"size\":18446744073709551615,\"content\":[],\"future\":{\"a\":[1]}}],"
        + "\"summary\":{\"files\":1}}\n");
    Node f = tree.nodes().get(0);
    assertThat(f.mtime()).isEqualTo(Instant.parse("2026-11-21T19:57:49.5Z"));
    assertThat(f.atime()).isNull();
    assertThat(f.ctime()).isNull();
    assertThat(f.size()).isEqualTo(-1L);
    assertThat(Long.toUnsignedString(f.size())).isEqualTo("18446744073709551615");
    assertThat(f.mode()).isZero();
    assertThat(f.user()).isEmpty();
  }

  @Test
  void parseReadsGoZeroTimeAsNull() throws Exception {
    Tree tree = parse("{\"nodes\":[{\"name\":\"f\",\"type\":\"file\",\"mtime\":\"0001-01-01T00:00:00Z\","
        + "\"content\":[]}]}");
    assertThat(tree.nodes().get(0).mtime()).isNull();
  }

  @Test
  void parseSortsNodesOfForeignWriters() throws Exception {
    Tree tree = parse("{\"nodes\":[{\"name\":\"b\",\"type\":\"fifo\"},{\"name\":\"a\",\"type\":\"socket\"}]}");
    assertThat(tree.nodes()).extracting(n -> n.name().toString()).containsExactly("a", "b");
    assertThat(parse("{\"nodes\":null}").nodes()).isEmpty();
  }

  private static Node rawFile(byte... name) {
    return Node.builder(FileName.of(name), NodeType.FILE).mode(0644).mtime(T).atime(T).ctime(T)
        .content(List.of()).build();
  }

  @Test
  void namesThatDecodeAlikeStayTwoNodesInByteOrderAndRoundTrip() throws Exception {
    // \xfe and \xff both become U+FFFD as Java strings; as bytes they are two names.
    Tree tree = new Tree(List.of(rawFile((byte) 0xff), rawFile((byte) 0xfe), rawFile((byte) 'z')));
    assertThat(tree.nodes()).extracting(n -> n.name().quoted())
        .containsExactly("z", "\\xfe", "\\xff");
    assertThat(json(tree)).contains("\"name\":\"\\\\xfe\"", "\"name\":\"\\\\xff\"");
    assertThat(Tree.parse(tree.toJson())).isEqualTo(tree);
    assertThat(Tree.parse(tree.toJson()).toJson()).isEqualTo(tree.toJson());
  }

  @Test
  void nonUtf8LinkTargetIsWrittenAsRestic014AndAsRawBytesWhichParseReads() throws Exception {
    byte[] target = {'t', (byte) 0xfe, '/', (byte) 0xc3};
    Node link = stamped("l", NodeType.SYMLINK).permissions(0777).linkTarget(LinkTarget.of(target))
        .build();
    Tree tree = new Tree(List.of(link));
    // restic 0.14 writes one U+FFFD per byte that is not UTF-8 (Go's encoding/json) and never
    // reads linktarget_raw; restic >= 0.16 reads the bytes from linktarget_raw.
    assertThat(json(tree)).contains("\"linktarget\":\"t\\ufffd/\\ufffd\","
        + "\"linktarget_raw\":\"dP4vww==\"");
    assertThat(Tree.parse(tree.toJson()).nodes().get(0).linkTarget().bytes()).isEqualTo(target);
    Node utf8 = stamped("u", NodeType.SYMLINK).permissions(0777).linkTarget("café").build();
    assertThat(json(new Tree(List.of(utf8)))).doesNotContain("linktarget_raw");
  }

  @Test
  void parseKeepsNonUtf8NamesAsBytes() throws Exception {
    Tree tree = parse("{\"nodes\":[{\"name\":\"bad\\\\xff\",\"type\":\"file\",\"content\":[]}]}");
    assertThat(tree.nodes().get(0).name().bytes())
        .isEqualTo(new byte[] {'b', 'a', 'd', (byte) 0xff});
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "{\"name\":\"it\\\\'s\",\"type\":\"file\",\"content\":[]}|name",
        "{\"name\":\"back\\\\slash\",\"type\":\"file\",\"content\":[]}|name",
        "{\"name\":\"f\",\"type\":\"file\",\"content\":null}|content",
        "{\"name\":\"f\",\"type\":\"file\"}|content",
        "{\"name\":\"d\",\"type\":\"dir\",\"content\":null}|subtree",
        "{\"name\":\"d\",\"type\":\"dir\",\"subtree\":\"abc\"}|not an id",
        "{\"name\":\"x\",\"type\":\"irregular\"}|unknown type",
        "{\"name\":\"f\",\"type\":\"file\",\"uid\":4294967296,\"content\":[]}|uid",
        "{\"name\":\"f\",\"type\":\"file\",\"size\":-1,\"content\":[]}|size",
        "{\"name\":\"f\",\"type\":\"file\",\"size\":18446744073709551616,\"content\":[]}|size",
        "{\"name\":\"f\",\"type\":\"file\",\"size\":1.5,\"content\":[]}|size",
        "{\"name\":\"f\",\"type\":\"file\",\"mtime\":\"yesterday\",\"content\":[]}|mtime",
        "{\"name\":\"a/b\",\"type\":\"file\",\"content\":[]}|'/'",
        "{\"type\":\"file\",\"content\":[]}|no name",
      })
  void parseRejectsCorruptNodesNamingTheProblem(String nodeJson, String problem) {
    assertThatThrownBy(() -> parse("{\"nodes\":[" + nodeJson + "]}"))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining(problem);
  }

  @Test
  void parseRejectsDuplicatesAndNonJson() {
    assertThatThrownBy(() -> parse("{\"nodes\":[{\"name\":\"a\",\"type\":\"fifo\"},"
            + "{\"name\":\"a\",\"type\":\"socket\"}]}"))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("duplicate");
    assertThatThrownBy(() -> parse("{\"nodes\":[")).isInstanceOf(CorruptionException.class);
    assertThatThrownBy(() -> parse("[]")).isInstanceOf(CorruptionException.class);
    assertThatThrownBy(() -> parse("{\"nodes\":[]} x")).isInstanceOf(CorruptionException.class);
    assertThatThrownBy(() -> parse("{\"nodes\":{}}")).isInstanceOf(CorruptionException.class);
  }
}

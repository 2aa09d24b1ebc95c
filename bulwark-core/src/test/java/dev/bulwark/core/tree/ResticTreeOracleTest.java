package dev.bulwark.core.tree;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.core.Id;
import dev.bulwark.core.testing.Slow;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real restic 0.14 as the oracle: restic backs up files with awkward names, and every tree blob
 * it wrote must parse to the right nodes and re-serialise to the same bytes, hence the same id.
 *
 * <p>Files are created by {@code sh} from a byte-level script, not through {@code java.nio.file},
 * because a JVM started without a UTF-8 locale cannot express non-ASCII file names and because
 * one of the names is deliberately not UTF-8. restic runs with {@code TZ=UTC}: it writes times in
 * the local zone, and {@link Node} keeps an {@code Instant}, so only UTC output re-serialises
 * byte for byte.
 *
 * <p>Skipped when restic or sh is missing, unless {@code BULWARK_REQUIRE_TOOLS=1}.
 */
@Slow
class ResticTreeOracleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long PROCESS_TIMEOUT_SECONDS = 120;

  /** UTF-8 names restic must quote, each of which must come back exactly. */
  private static final List<String> NAMES =
      List.of(
          "plain", "back\\slash", "quo\"te", "é", "Ａ", "😀", "new\nline", "empty", "a<b>&c",
          "soft\u00adhy", "ls\u2028x", "tab\there", "del\u007f", "ctl\u0001", "setuid");

  @TempDir static Path tmp;

  private static Path root;
  private static Restic restic;
  private static Id snapshotTree;
  private static List<String> codePointNames;

  /** One repository for all tests: each restic call spends most of a second in scrypt. */
  @BeforeAll
  static void backUpAwkwardNames() throws Exception {
    Path resticBinary = requireTool("restic");
    root = tmp.toRealPath();
    Script script = new Script().line("mkdir -p src/sub src/sticky src/raw cp");
    for (String name : NAMES) {
      byte[] path = ("src/" + name).getBytes(UTF_8);
      if (name.equals("empty")) {
        script.line(": > ", path);
      } else {
        // Each file holds its own name, so sizes are known.
        script.line("printf %s ", name.getBytes(UTF_8), " > ", path);
      }
      script.line("chmod 0644 ", path);
    }
    script
        .line("chmod 4755 src/setuid")
        .line("printf inner > src/sub/inner")
        .line("chmod 0755 src/sub")
        .line("chmod 1777 src/sticky")
        .line("ln -s plain src/link")
        .line("mkfifo -m 0640 src/fifo")
        .line(": > ", rawBadName());
    codePointNames = codePointNames();
    for (String n : codePointNames) {
      script.line(": > ", ("cp/" + n).getBytes(UTF_8));
    }
    script.run(root);

    restic =
        Restic.init(
            resticBinary, root, root.resolve("src").toString(), root.resolve("cp").toString());
    String snapshotId = restic.json("snapshots", "--json").get(0).get("id").textValue();
    snapshotTree = Id.parse(restic.json("cat", "snapshot", snapshotId).get("tree").textValue());
  }

  @Test
  void resticTreesParseAndReserialiseByteForByte() throws Exception {
    Tree tree = walkTo(root.resolve("src"));

    List<String> expected = new ArrayList<>(NAMES);
    expected.addAll(List.of("sub", "sticky", "raw", "link", "fifo"));
    assertThat(tree.nodes()).extracting(n -> n.name().toString()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(find(tree, "plain").size()).isEqualTo(5);
    assertThat(find(tree, "plain").content()).hasSize(1);
    assertThat(find(tree, "😀").size()).isEqualTo(4);
    assertThat(find(tree, "new\nline").size()).isEqualTo(8);
    assertThat(find(tree, "empty").content()).isEmpty();
    assertThat(find(tree, "empty").size()).isZero();
    assertThat(find(tree, "plain").mode()).isEqualTo(GoFileMode.of(NodeType.FILE, 0644));
    assertThat(GoFileMode.toPosixMode(find(tree, "setuid").mode())).isEqualTo(04755);
    assertThat(find(tree, "sticky").mode()).isEqualTo(GoFileMode.of(NodeType.DIR, 01777));
    assertThat(find(tree, "fifo").type()).isEqualTo(NodeType.FIFO);
    assertThat(find(tree, "fifo").mode()).isEqualTo(GoFileMode.of(NodeType.FIFO, 0640));
    assertThat(find(tree, "link").type()).isEqualTo(NodeType.SYMLINK);
    assertThat(find(tree, "link").linkTarget().toString()).isEqualTo("plain");

    Tree sub = roundTrip(find(tree, "sub").subtree());
    assertThat(sub.nodes()).extracting(n -> n.name().toString()).containsExactly("inner");
    assertThat(roundTrip(find(tree, "sticky").subtree()).nodes()).isEmpty();
  }

  @Test
  void nonUtf8NameIsReadAsBytesAndWrittenBackIdentically() throws Exception {
    Tree tree = walkTo(root.resolve("src"));
    byte[] rawTree = restic.catBlob(find(tree, "raw").subtree());
    // Go quotes the byte as \xff; we keep the byte and write restic's tree back byte for byte.
    assertThat(new String(rawTree, UTF_8)).contains("\"name\":\"bad\\\\xff\"");
    Tree parsed = Tree.parse(rawTree);
    assertThat(parsed.nodes().get(0).name().bytes())
        .isEqualTo(new byte[] {'b', 'a', 'd', (byte) 0xff});
    assertThat(parsed.toJson()).isEqualTo(rawTree);
  }

  /**
   * Pins our Java approximation of Go's {@code unicode.IsPrint} to the Go that built restic: every
   * code point of the planes where Unicode assigns anything, and the edges of the planes that are
   * wholly unassigned (4-13) or private use (15-16), whose interiors only repeat the same class.
   */
  @Test
  void quotingMatchesResticForEveryCodePoint() throws Exception {
    Tree tree = walkTo(root.resolve("cp"));
    // The zero-padded prefixes make creation order the byte order.
    assertThat(tree.nodes()).extracting(n -> n.name().toString()).containsExactlyElementsOf(codePointNames);
  }

  private static List<String> codePointNames() {
    List<String> names = new ArrayList<>();
    StringBuilder name = new StringBuilder();
    for (int cp = 1; cp <= Character.MAX_CODE_POINT; cp++) {
      if (cp == '/' || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)) {
        continue;
      }
      int plane = cp >> 16;
      int inPlane = cp & 0xffff;
      boolean uniformPlane = (plane >= 4 && plane <= 13) || plane >= 15;
      if (uniformPlane && inPlane >= 0x100 && inPlane < 0xff00) {
        continue;
      }
      if (name.length() == 0) {
        name.append(String.format("%05d_", names.size()));
      }
      name.appendCodePoint(cp);
      // Linux allows 255 bytes per name; a code point takes at most 4.
      if (name.toString().getBytes(UTF_8).length > 250) {
        names.add(name.toString());
        name.setLength(0);
      }
    }
    names.add(name.toString());
    return names;
  }

  /**
   * Round-trips every tree from the snapshot's root down to {@code dir}, whose tree it returns:
   * restic keeps the absolute path, so the root tree holds "tmp" and so on.
   */
  private static Tree walkTo(Path dir) throws Exception {
    Tree tree = roundTrip(snapshotTree);
    for (Path component : dir) {
      tree = roundTrip(find(tree, component.toString()).subtree());
    }
    return tree;
  }

  private static byte[] rawBadName() {
    byte[] prefix = "src/raw/bad".getBytes(UTF_8);
    byte[] b = Arrays.copyOf(prefix, prefix.length + 1);
    b[prefix.length] = (byte) 0xff;
    return b;
  }

  /**
   * Loads a tree blob through restic, parses it, and checks that our JSON for the parsed nodes is
   * restic's JSON and that its hash is the id restic gave the tree.
   *
   * <p>Normalisation: {@link Node} has no extended attributes, so if the file system gave a node
   * some (SELinux labels, for instance) they are cut from restic's JSON before comparing, and the
   * id check is skipped because the bytes then differ on purpose.
   */
  private static Tree roundTrip(Id id) throws Exception {
    byte[] resticJson = restic.catBlob(id);
    assertThat(Id.hash(resticJson)).as("restic cat blob printed tree %s", id).isEqualTo(id);
    Tree parsed = Tree.parse(resticJson);
    byte[] ours = new Tree(parsed.nodes()).toJson();
    String expected = withoutExtendedAttributes(new String(resticJson, UTF_8));
    assertThat(new String(ours, UTF_8)).as("tree %s", id).isEqualTo(expected);
    assertThat(ours).isEqualTo(expected.getBytes(UTF_8));
    if (expected.length() == new String(resticJson, UTF_8).length()) {
      assertThat(Id.hash(ours)).as("our id for tree %s", id).isEqualTo(id);
    }
    return parsed;
  }

  /** Cuts every {@code ,"extended_attributes":[...]} member, skipping brackets inside strings. */
  private static String withoutExtendedAttributes(String json) {
    String key = ",\"extended_attributes\":[";
    StringBuilder out = new StringBuilder(json.length());
    int from = 0;
    for (int at = json.indexOf(key); at >= 0; at = json.indexOf(key, from)) {
      out.append(json, from, at);
      int i = at + key.length();
      int depth = 1;
      boolean inString = false;
      for (; depth > 0; i++) {
        char c = json.charAt(i);
        if (inString) {
          if (c == '\\') {
            i++;
          } else if (c == '"') {
            inString = false;
          }
        } else if (c == '"') {
          inString = true;
        } else if (c == '[') {
          depth++;
        } else if (c == ']') {
          depth--;
        }
      }
      from = i;
    }
    return out.append(json, from, json.length()).toString();
  }

  private static Node find(Tree tree, String name) {
    return tree.nodes().stream()
        .filter(n -> n.name().is(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no node " + name + " in " + tree));
  }

  private static Path requireTool(String name) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    return Stream.of(path.split(File.pathSeparator))
        .map(dir -> Path.of(dir, name))
        .filter(Files::isExecutable)
        .findFirst()
        .orElseGet(
            () -> {
              String message = name + " is not on PATH";
              if ("1".equals(System.getenv("BULWARK_REQUIRE_TOOLS"))) {
                fail(message + " and BULWARK_REQUIRE_TOOLS=1");
              }
              Assumptions.abort(message);
              return null;
            });
  }

  /**
   * Runs {@code command} in {@code dir} with output in files (so nothing blocks on a full pipe)
   * and returns stdout; fails with stderr on a non-zero exit or a hang.
   */
  private static byte[] run(Path dir, Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().putAll(env);
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(String.join(" ", command) + " did not finish in " + PROCESS_TIMEOUT_SECONDS + " s");
    }
    byte[] stdout = Files.readAllBytes(out);
    if (p.exitValue() != 0) {
      fail(String.join(" ", command) + " exited " + p.exitValue() + ": " + Files.readString(err));
    }
    Files.delete(out);
    Files.delete(err);
    return stdout;
  }

  /** A POSIX sh script built from bytes, so file names need not be valid in the JVM's charset. */
  private static final class Script {
    private final ByteArrayOutputStream text = new ByteArrayOutputStream();

    /** Appends one line: strings as shell text, byte arrays single-quoted byte for byte. */
    Script line(Object... parts) {
      for (Object part : parts) {
        if (part instanceof String shellText) {
          text.writeBytes(shellText.getBytes(UTF_8));
        } else {
          text.write('\'');
          for (byte b : (byte[]) part) {
            if (b == '\'') {
              text.writeBytes("'\\''".getBytes(UTF_8));
            } else {
              text.write(b);
            }
          }
          text.write('\'');
        }
      }
      text.write('\n');
      return this;
    }

    void run(Path dir) throws IOException, InterruptedException {
      Path sh = requireTool("sh");
      Path file = dir.resolve("make-files.sh");
      Files.write(file, text.toByteArray());
      ResticTreeOracleTest.run(dir, Map.of(), sh.toString(), "-e", file.toString());
    }
  }

  /** A throwaway repository in {@code dir}; blobs are cached, as they never change. */
  private record Restic(Path binary, Path dir, Map<String, String> env, Map<Id, byte[]> blobs) {
    static Restic init(Path binary, Path dir, String... backupTargets) throws Exception {
      Restic r =
          new Restic(
              binary,
              dir,
              Map.of(
                  "RESTIC_PASSWORD", "pw",
                  "RESTIC_REPOSITORY", dir.resolve("repo").toString(),
                  "TZ", "UTC"),
              new ConcurrentHashMap<>());
      r.run("init", "--repository-version", "2");
      List<String> backup = new ArrayList<>(List.of("backup"));
      backup.addAll(List.of(backupTargets));
      r.run(backup.toArray(String[]::new));
      return r;
    }

    byte[] run(String... args) throws IOException, InterruptedException {
      String[] command = new String[args.length + 3];
      command[0] = binary.toString();
      command[1] = "--no-cache";
      command[2] = "--quiet";
      System.arraycopy(args, 0, command, 3, args.length);
      return ResticTreeOracleTest.run(dir, env, command);
    }

    JsonNode json(String... args) throws IOException, InterruptedException {
      return JSON.readTree(run(args));
    }

    byte[] catBlob(Id id) throws IOException, InterruptedException {
      byte[] cached = blobs.get(id);
      if (cached == null) {
        cached = run("cat", "blob", id.toString());
        blobs.put(id, cached);
      }
      return cached.clone();
    }
  }
}

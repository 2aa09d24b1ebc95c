package dev.bulwark.core.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names made from bytes and read back from a real folder keep every byte, in this JVM's locale
 * (OddNamesTest in the CLI runs the same under {@code LC_ALL=C} in a child JVM).
 */
class NativeNamesTest {
  @TempDir Path dir;

  @Test
  void everySingleByteNameAndSomeMultiByteOnesRoundTripThroughTheFileSystem() throws Exception {
    Set<FileName> made = new HashSet<>();
    for (int b = 1; b < 256; b++) {
      if (b != '/' && b != '.') {
        made.add(FileName.of(new byte[] {(byte) b}));
      }
    }
    for (String s : new String[] {"café", "cafè", "\ufffd", "new\nline", "😀"}) {
      made.add(FileName.of(s));
    }
    made.add(FileName.of(new byte[] {'a', (byte) 0xc3}));
    for (FileName n : made) {
      Files.write(NativeNames.resolve(dir, n), n.bytes());
    }
    Set<FileName> listed = new HashSet<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        FileName n = NativeNames.fileName(p);
        listed.add(n);
        assertThat(Files.readAllBytes(p)).as(n.quoted()).isEqualTo(n.bytes());
      }
    }
    assertThat(listed).isEqualTo(made);
  }

  @Test
  void pathBytesOfARelativeNonUtf8TargetStayRelative() {
    byte[] target = "../d\u00e9/x".getBytes(StandardCharsets.UTF_8);
    target[4] = (byte) 0xfe;
    Path p = NativeNames.path(target);
    assertThat(p.isAbsolute()).isFalse();
    assertThat(NativeNames.bytesOf(p)).isEqualTo(target);
  }
}

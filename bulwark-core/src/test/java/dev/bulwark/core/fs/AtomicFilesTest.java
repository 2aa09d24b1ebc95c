package dev.bulwark.core.fs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.tree.FileName;
import dev.bulwark.core.tree.NativeNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names Bulwark makes beside a user's file must fit the 255-byte limit whatever the file's own
 * name: a temp name that appended "-tmp-" and 16 hex digits to a 240-byte name was refused by
 * the file system ("File name too long"), so such files backed up but never restored.
 */
class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void aFileWhoseNameIsAtTheLimitIsWrittenThroughAShortEnoughTempName() throws Exception {
    for (int length : new int[] {1, 200, 234, 235, 240, 255}) {
      byte[] name = new byte[length];
      Arrays.fill(name, (byte) 'n');
      name[0] = (byte) 0xfe; // not UTF-8 either
      Path target = NativeNames.resolve(dir, FileName.of(name));
      Path tmp = AtomicFiles.tempSibling(target);
      byte[] tmpName = NativeNames.fileName(tmp).bytes();
      assertThat(tmpName.length).as("temp name of a %d-byte name", length)
          .isLessThanOrEqualTo(AtomicFiles.MAX_NAME_BYTES);
      assertThat(new String(tmpName, StandardCharsets.ISO_8859_1)).contains("-tmp-");
      assertThat(tmp.getParent()).isEqualTo(target.toAbsolutePath().getParent());
      AtomicFiles.write(target, new byte[] {1, 2, 3}, 0, 3);
      assertThat(Files.readAllBytes(target)).containsExactly(1, 2, 3);
    }
  }

  @Test
  void siblingBasesAreAsciiFitAndStable() throws Exception {
    Path plain = dir.resolve("app.db");
    assertThat(AtomicFiles.siblingBase(plain, 64)).isEqualTo("app.db");
    byte[] long250 = new byte[250];
    Arrays.fill(long250, (byte) 'x');
    Path longName = NativeNames.resolve(dir, FileName.of(long250));
    String base = AtomicFiles.siblingBase(longName, 64);
    assertThat(base.length() + 64).isLessThanOrEqualTo(AtomicFiles.MAX_NAME_BYTES);
    assertThat(base).isEqualTo(AtomicFiles.siblingBase(longName, 64)).startsWith("xxxx");
    Path cafe = NativeNames.resolve(dir, FileName.of("café.db"));
    Path cafe2 = NativeNames.resolve(dir, FileName.of("cafè.db"));
    assertThat(AtomicFiles.siblingBase(cafe, 10)).matches("[ -~]+")
        .isNotEqualTo(AtomicFiles.siblingBase(cafe2, 10));
  }
}

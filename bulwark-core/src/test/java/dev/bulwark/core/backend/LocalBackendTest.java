package dev.bulwark.core.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.fs.AtomicFiles;
import java.io.EOFException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBackendTest {
  @TempDir Path dir;

  @Test
  void savesLoadsListsAndDeletesWithPrivatePermissions() throws Exception {
    LocalBackend b = LocalBackend.open(dir.resolve("repo"));
    b.create();
    byte[] data = "hello pack".getBytes();
    Id id = Id.hash(data);
    Handle h = Handle.of(FileType.PACK, id);
    b.save(h, data, 0, data.length);
    Path p = b.path(h);
    assertThat(p.getParent().getFileName().toString()).isEqualTo(id.toString().substring(0, 2));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("repo"))))
        .isEqualTo("rwx------");
    assertThat(b.load(h, 0, -1)).isEqualTo(data);
    assertThat(b.load(h, 6, 4)).isEqualTo("pack".getBytes());
    assertThat(b.stat(h)).contains((long) data.length);
    List<FileInfo> listed = new ArrayList<>();
    b.list(FileType.PACK, listed::add);
    assertThat(listed).containsExactly(new FileInfo(id.toString(), data.length));
    b.delete(h);
    assertThat(b.stat(h)).isEmpty();
    b.delete(h); // deleting twice is fine
  }

  @Test
  void reportsMissingAndShortFilesAsIoErrors() throws Exception {
    LocalBackend b = LocalBackend.open(dir);
    b.create();
    Handle h = Handle.of(FileType.INDEX, Id.hash(new byte[1]));
    assertThatThrownBy(() -> b.load(h, 0, -1)).isInstanceOf(NoSuchFileException.class);
    b.save(h, new byte[10], 0, 10);
    assertThatThrownBy(() -> b.load(h, 5, 6)).isInstanceOf(EOFException.class);
  }

  @Test
  void listingIgnoresTempFilesAndForeignNames() throws Exception {
    LocalBackend b = LocalBackend.open(dir);
    b.create();
    Id id = Id.hash(new byte[2]);
    Files.writeString(dir.resolve("snapshots").resolve(id + "-tmp-0123"), "partial");
    Files.writeString(dir.resolve("snapshots").resolve("README"), "x");
    List<FileInfo> listed = new ArrayList<>();
    b.list(FileType.SNAPSHOT, listed::add);
    assertThat(listed).isEmpty();
  }

  @Test
  void atomicWriteReplacesWholeFileAndLeavesNoTemp() throws Exception {
    Path f = dir.resolve("f");
    AtomicFiles.write(f, "first".getBytes(), 0, 5);
    AtomicFiles.write(f, "second!".getBytes(), 0, 7);
    assertThat(Files.readString(f)).isEqualTo("second!");
    try (var s = Files.list(dir)) {
      assertThat(s.map(x -> x.getFileName().toString())).containsExactly("f");
    }
  }

  @Test
  void handlesRejectNamesThatAreNotIds() {
    assertThatThrownBy(() -> new Handle(FileType.PACK, "../../etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Handle.config().toString()).isEqualTo("config");
  }
}

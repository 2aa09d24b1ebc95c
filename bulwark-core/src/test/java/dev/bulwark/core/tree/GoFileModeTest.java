package dev.bulwark.core.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GoFileModeTest {

  /** Values restic 0.14 wrote on this machine (restic-format.md §6 and ResticTreeOracleTest). */
  @Test
  void matchesModesObservedInResticTrees() {
    assertThat(GoFileMode.of(NodeType.FILE, 0644)).isEqualTo(420L);
    assertThat(GoFileMode.of(NodeType.DIR, 0755)).isEqualTo(2147484141L);
    assertThat(GoFileMode.of(NodeType.SYMLINK, 0777)).isEqualTo(134218239L);
    assertThat(GoFileMode.of(NodeType.FIFO, 0644)).isEqualTo(33554852L);
    assertThat(GoFileMode.of(NodeType.FILE, 04755)).isEqualTo(8389101L);
    assertThat(GoFileMode.of(NodeType.DIR, 01777)).isEqualTo(2148532735L);
  }

  @Test
  void convertsUnixStModeInsteadOfCopyingIt() {
    assertThat(GoFileMode.fromStMode(0100644)).isEqualTo(420L);
    assertThat(GoFileMode.fromStMode(0041777)).isEqualTo(2148532735L);
    assertThat(GoFileMode.fromStMode(0020620))
        .isEqualTo(GoFileMode.DEVICE | GoFileMode.CHAR_DEVICE | 0620);
    assertThat(GoFileMode.fromStMode(0062660)).isEqualTo(GoFileMode.DEVICE | GoFileMode.SETGID | 0660);
    assertThat(GoFileMode.fromStMode(0140755)).isEqualTo(GoFileMode.SOCKET | 0755);
    assertThatThrownBy(() -> GoFileMode.fromStMode(0644)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void recoversChmodBitsIncludingSpecialFlags() {
    assertThat(GoFileMode.toPosixMode(8389101L)).isEqualTo(04755);
    assertThat(GoFileMode.toPosixMode(2148532735L)).isEqualTo(01777);
    assertThat(GoFileMode.toPosixMode(GoFileMode.of(NodeType.FILE, 02750))).isEqualTo(02750);
  }

  @Test
  void recoversPermissionSetWithoutSpecialFlags() {
    assertThat(GoFileMode.toPermissions(GoFileMode.of(NodeType.FILE, 04750)))
        .isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
    assertThat(GoFileMode.of(NodeType.DIR, PosixFilePermissions.fromString("rwxr-xr-x")))
        .isEqualTo(2147484141L);
  }

  @ParameterizedTest
  @EnumSource(NodeType.class)
  void typeBitsRoundTripForEveryType(NodeType type) {
    assertThat(GoFileMode.typeOf(GoFileMode.of(type, 07777))).isEqualTo(type);
  }

  @Test
  void rejectsModesThatAreNotChmodStyle() {
    assertThatThrownBy(() -> GoFileMode.of(NodeType.FILE, 0100644))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GoFileMode.typeOf(GoFileMode.DIR | GoFileMode.SYMLINK))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

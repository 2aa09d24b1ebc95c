package dev.bulwark.junit;

import dev.bulwark.core.crypto.Kdf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Where a drill's password comes from: a file, or a variable named in the annotation. Only the
 * origin is ever printed; the password is read when the repository is opened, never kept.
 */
final class DrillPassword {
  private static final String FILE_VARIABLE = "BULWARK_PASSWORD_FILE";

  private final @Nullable Path file;
  private final String variable;
  private final Placeholders variables;

  private DrillPassword(@Nullable Path file, String variable, Placeholders variables) {
    this.file = file;
    this.variable = variable;
    this.variables = variables;
  }

  /**
   * The drill's password source: its {@code passwordFile}, else the variable its {@code
   * passwordVariable} names, else the file {@code BULWARK_PASSWORD_FILE} names. What the
   * annotation says comes before what the environment offers.
   *
   * @throws NotConfiguredException if none of them is set
   */
  static DrillPassword of(RestoreDrill drill, Placeholders variables)
      throws NotConfiguredException {
    String variable = variables.resolve("passwordVariable", drill.passwordVariable()).trim();
    String file = variables.resolve("passwordFile", drill.passwordFile()).trim();
    if (file.isEmpty() && variables.variable(variable).isEmpty()) {
      file = variables.variable(FILE_VARIABLE).orElseThrow(() -> new NotConfiguredException(
          "restore drill not configured: no password (passwordFile is empty, and neither "
              + variable + " nor " + FILE_VARIABLE + " is set)"));
    }
    return new DrillPassword(file.isEmpty() ? null : Path.of(file), variable, variables);
  }

  /** Where the password is read from, for messages: never the password itself. */
  String origin() {
    return file != null ? "the password in " + file : "the password in " + variable;
  }

  /**
   * The password as UTF-8 bytes; the caller zeroes the array.
   *
   * @throws RestoreDrillException if the file cannot be read or the password is empty
   */
  byte[] read() throws RestoreDrillException {
    byte[] pw;
    if (file != null) {
      try {
        pw = Kdf.readPasswordFile(file);
      } catch (IOException e) {
        throw new RestoreDrillException("restore drill: cannot read the password file " + file
            + ": " + e.getMessage(), e);
      }
    } else {
      pw = variables.variable(variable).orElse("").getBytes(StandardCharsets.UTF_8);
    }
    if (pw.length == 0) {
      throw new RestoreDrillException("restore drill: " + origin() + " is empty");
    }
    return pw;
  }

  @Override
  public String toString() {
    return origin();
  }
}

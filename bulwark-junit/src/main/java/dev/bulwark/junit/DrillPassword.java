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
   * The drill's password source: its {@code passwordFile}, else {@code BULWARK_PASSWORD_FILE},
   * else its {@code passwordVariable}.
   *
   * @throws NotConfiguredException if none of them is set
   */
  static DrillPassword of(RestoreDrill drill, Placeholders variables)
      throws NotConfiguredException {
    String file = variables.resolve("passwordFile", drill.passwordFile());
    if (file.isEmpty()) {
      file = variables.variable(FILE_VARIABLE).orElse("");
    }
    String variable = variables.resolve("passwordVariable", drill.passwordVariable()).trim();
    if (file.isEmpty() && variables.variable(variable).isEmpty()) {
      throw new NotConfiguredException("restore drill not configured: no password (passwordFile"
          + " is empty, and neither " + FILE_VARIABLE + " nor " + variable + " is set)");
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

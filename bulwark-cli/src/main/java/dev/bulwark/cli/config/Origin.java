package dev.bulwark.cli.config;

import java.nio.file.Path;

/**
 * Where a configuration value came from: a line of the file, an environment variable or a flag
 * (a default has no origin). Errors start with it, so a user knows what to edit; relative paths
 * resolve against {@link #base()}.
 *
 * @param source the file as given, the variable's name, or the flag
 * @param line the 1-based line in the file; 0 for anything but the file
 * @param base the folder relative paths resolve against: the file's folder for file values,
 *     the working directory for environment variables and flags
 * @param kind which of the three it is
 */
public record Origin(Kind kind, String source, int line, Path base) {
  /** The three places a value can come from, weakest first. */
  public enum Kind { FILE, ENVIRONMENT, FLAG }

  static Origin file(Path file, int line) {
    Path abs = file.toAbsolutePath();
    return new Origin(Kind.FILE, file.toString(), line, abs.getParent());
  }

  static Origin environment(String variable) {
    return new Origin(Kind.ENVIRONMENT, variable, 0, workingDirectory());
  }

  static Origin flag(String flag) {
    return new Origin(Kind.FLAG, flag, 0, workingDirectory());
  }

  private static Path workingDirectory() {
    return Path.of("").toAbsolutePath();
  }

  /** True when the value overrides the file: it came from the environment or a flag. */
  public boolean isOverride() {
    return kind == Kind.ENVIRONMENT || kind == Kind.FLAG;
  }

  /** The prefix of an error: {@code bulwark.yml:14}, {@code BULWARK_API_PORT}, {@code --api-port}. */
  @Override
  public String toString() {
    return kind == Kind.FILE ? source + ":" + line : source;
  }
}

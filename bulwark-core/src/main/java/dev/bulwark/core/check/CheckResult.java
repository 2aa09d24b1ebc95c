package dev.bulwark.core.check;

import java.util.List;

/**
 * What a check found.
 *
 * @param errors problems that make data unrestorable or the repository invalid
 * @param hints harmless findings (e.g. packs no index names, left by an interrupted backup)
 */
public record CheckResult(List<String> errors, List<String> hints, long snapshots, long trees,
    long packs, long packsRead) {
  public CheckResult {
    errors = List.copyOf(errors);
    hints = List.copyOf(hints);
  }

  /** True if no error was found. */
  public boolean ok() {
    return errors.isEmpty();
  }
}

package dev.bulwark.spring;

import dev.bulwark.core.backend.Backend;
import java.io.IOException;
import java.util.Optional;

/**
 * Asks the repository's store whether the repository is there, apart from the repository's
 * own calls: those run one at a time, so a health check asking through them would wait for a
 * backup in progress.
 */
final class RepositoryProbe {
  private final Backend backend;

  RepositoryProbe(Backend backend) {
    this.backend = backend;
  }

  /** Empty if the repository answers; else one line saying why not. */
  Optional<String> problem() {
    try {
      return backend.exists() ? Optional.empty()
          : Optional.of("no repository at " + backend.location());
    } catch (IOException | RuntimeException e) {
      return Optional.of("cannot reach " + backend.location() + ": " + RestoreGate.oneLine(e));
    }
  }
}

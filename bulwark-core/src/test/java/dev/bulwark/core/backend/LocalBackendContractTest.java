package dev.bulwark.core.backend;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link BackendContract} on a folder. */
class LocalBackendContractTest extends BackendContract {
  @TempDir Path dir;

  @Override
  protected Backend newBackend() throws Exception {
    LocalBackend b = LocalBackend.open(dir.resolve("repo"));
    b.create();
    return b;
  }
}

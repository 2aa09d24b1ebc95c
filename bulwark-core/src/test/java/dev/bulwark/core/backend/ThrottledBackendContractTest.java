package dev.bulwark.core.backend;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link BackendContract} through the rate limiter: limiting changes no answer. */
class ThrottledBackendContractTest extends BackendContract {
  @TempDir Path dir;

  @Override
  protected Backend newBackend() throws Exception {
    LocalBackend b = LocalBackend.open(dir.resolve("repo"));
    b.create();
    // High enough that the contract's few MiB never wait long, low enough to be a real bucket.
    return new RateLimits(64 * 1024, 64 * 1024).apply(b);
  }
}

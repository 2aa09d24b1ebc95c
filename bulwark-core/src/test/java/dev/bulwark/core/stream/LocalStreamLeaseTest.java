package dev.bulwark.core.stream;

import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.LocalBackend;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** {@link StreamLeaseContract} on a local folder. */
class LocalStreamLeaseTest extends StreamLeaseContract {
  private static final AtomicInteger N = new AtomicInteger();
  @TempDir Path dir;

  @Override
  protected Backend newBackend() throws Exception {
    LocalBackend b = LocalBackend.open(dir.resolve("repo" + N.incrementAndGet()));
    b.create();
    return b;
  }
}

package dev.bulwark.s3;

import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.Backends;
import dev.bulwark.core.stream.StreamLeaseContract;
import dev.bulwark.s3.testing.S3ProxyServer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StreamLeaseContract} on a real S3 server (s3proxy), each test under its own prefix:
 * the lease needs nothing but whole-object writes and listings that show completed writes.
 */
class S3StreamLeaseTest extends StreamLeaseContract {
  @TempDir static Path data;
  private static S3ProxyServer server;
  private static final AtomicInteger PREFIX = new AtomicInteger();

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start(data);
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Override
  protected Backend newBackend() throws Exception {
    Backend b = Backends.open(server.repository("leases/" + PREFIX.incrementAndGet()),
        server.env());
    b.create();
    return b;
  }
}

package dev.bulwark.s3.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * A real S3 server for tests: s3proxy in this JVM on 127.0.0.1, storing objects as files under
 * {@code dataDir/blobs} (the {@code filesystem-nio2} store), so that a server started again on
 * the same folder and port serves the same objects. The access keys are random on the first
 * start and kept in {@code dataDir/credentials} (0600) for later starts; the bucket {@link
 * #bucket()} exists.
 *
 * <p>By hand, for a demo: see the README's S3 section, or {@link #main}.
 */
public final class S3ProxyServer implements AutoCloseable {
  private static final String BUCKET = "bulwark-test";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final S3Proxy proxy;
  private final int port;
  private final String accessKey;
  private final String secretKey;

  private S3ProxyServer(S3Proxy proxy, int port, String accessKey, String secretKey) {
    this.proxy = proxy;
    this.port = port;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  /** Starts a server on a free port over {@code dataDir} (created if missing). */
  public static S3ProxyServer start(Path dataDir) throws Exception {
    return start(dataDir, 0);
  }

  /**
   * Starts a server on {@code port} (0: any free port) over {@code dataDir}; on the folder of
   * an earlier server it serves that server's objects with its credentials.
   */
  public static S3ProxyServer start(Path dataDir, int port) throws Exception {
    Path blobs = Files.createDirectories(dataDir.resolve("blobs"));
    List<String> keys = credentials(dataDir.resolve("credentials"));
    BlobStore store = new FilesystemNio2BlobStore(blobs.toString());
    if (!store.containerExists(BUCKET)) {
      store.createContainer(BUCKET);
    }
    S3Proxy proxy = S3Proxy.builder()
        .blobStore(store)
        .endpoint(URI.create("http://127.0.0.1:" + port))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, keys.get(0), keys.get(1))
        .build();
    proxy.start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        proxy.stop();
        throw new IllegalStateException("s3proxy did not start within " + START_TIMEOUT
            + " (state " + proxy.getState() + ")");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
    }
    return new S3ProxyServer(proxy, proxy.getPort(), keys.get(0), keys.get(1));
  }

  private static List<String> credentials(Path file) throws IOException {
    if (Files.exists(file)) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return List.of(lines.get(0).strip(), lines.get(1).strip());
    }
    SecureRandom rnd = new SecureRandom();
    String ak = "AK" + HexFormat.of().formatHex(rnd.generateSeed(9)).toUpperCase();
    String sk = HexFormat.of().formatHex(rnd.generateSeed(20));
    Files.writeString(file, ak + "\n" + sk + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return List.of(ak, sk);
  }

  /** The TCP port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The bucket that exists on this server. */
  public String bucket() {
    return BUCKET;
  }

  /** The endpoint URL, {@code http://127.0.0.1:PORT}. */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION for clients of this server. */
  public Map<String, String> credentials() {
    return Map.of("AWS_ACCESS_KEY_ID", accessKey, "AWS_SECRET_ACCESS_KEY", secretKey,
        "AWS_REGION", "us-east-1");
  }

  /**
   * {@link #credentials()} and a 10 ms first retry backoff ({@code BULWARK_S3_BACKOFF_MS}): a
   * server on this machine that fails answers at once, so tests need not wait out backoff
   * sized for a real one; the attempts stay as users have them.
   */
  public Map<String, String> env() {
    Map<String, String> env = new java.util.HashMap<>(credentials());
    env.put("BULWARK_S3_BACKOFF_MS", "10");
    return Map.copyOf(env);
  }

  /** The repository location {@code s3:http://127.0.0.1:PORT/bucket/prefix}. */
  public String repository(String prefix) {
    return "s3:" + endpoint() + "/" + BUCKET + "/" + prefix;
  }

  /** Stops the server; the objects stay in the data folder. */
  @Override
  public void close() throws Exception {
    proxy.stop();
  }

  /**
   * Runs a server by hand: {@code S3ProxyServer DATA_DIR [PORT]}; prints the environment and a
   * repository location to use, and serves until the process is stopped.
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: S3ProxyServer DATA_DIR [PORT]");
      System.exit(2);
    }
    S3ProxyServer s = start(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 0);
    // Throwaway keys of a local test server, printed so that the demo can use them.
    s.credentials().forEach((k, v) -> System.out.println("export " + k + "=" + v));
    System.out.println("# repository: " + s.repository("demo"));
    System.out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        s.close();
      } catch (Exception e) {
        System.err.println("stopping s3proxy: " + e);
      }
      stopped.countDown();
    }));
    stopped.await();
  }
}

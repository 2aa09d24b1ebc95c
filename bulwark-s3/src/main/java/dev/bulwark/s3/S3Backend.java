package dev.bulwark.s3;

import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.FileInfo;
import dev.bulwark.core.backend.Handle;
import dev.bulwark.core.backend.TransientBackendException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.CreateBucketConfiguration;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A repository in an S3 bucket, laid out as restic's S3 backend lays it out: {@code
 * <prefix>/config}, {@code <prefix>/keys/<id>}, ..., packs under {@code <prefix>/data/xx/<id>}.
 *
 * <p>A save is one PUT, which S3 makes visible whole or not at all, with a Content-MD5 so that
 * the server refuses a body damaged in transit. Retries with backoff are the SDK's (see {@link
 * S3BackendProvider}); what still fails is mapped by {@link S3Failure}.
 */
public final class S3Backend implements Backend {
  private final S3Client client;
  private final S3Location where;
  private final S3Retries retries;

  /**
   * A backend over {@code where} using {@code client}, which it closes on {@link #close}.
   *
   * @param client the S3 client to send requests with; the backend owns it from now on
   * @param where the bucket, prefix and settings to store the repository under
   */
  public S3Backend(S3Client client, S3Location where) {
    this(client, where, S3Retries.DEFAULT);
  }

  S3Backend(S3Client client, S3Location where, S3Retries retries) {
    this.client = client;
    this.where = where;
    this.retries = retries;
  }

  /**
   * The bucket, prefix and settings of this backend.
   *
   * @return the location this backend was made for, never with credentials
   */
  public S3Location where() {
    return where;
  }

  /**
   * The object key of the file named by {@code h}.
   *
   * @param h the repository file (type and name)
   * @return the full object key, the prefix included; for logs and tests that look at the bucket
   */
  public String key(Handle h) {
    return where.key(switch (h.type()) {
      case CONFIG -> "config";
      case PACK -> "data/" + h.name().substring(0, 2) + "/" + h.name();
      default -> h.type().folder() + "/" + h.name();
    });
  }

  @Override
  public String location() {
    return where.display();
  }

  @Override
  public boolean exists() throws IOException {
    return stat(Handle.config()).isPresent();
  }

  @Override
  public void create() throws IOException {
    try {
      client.headBucket(b -> b.bucket(where.bucket()));
      return;
    } catch (SdkException e) {
      if (!S3Failure.isNotFound(e)) {
        throw S3Failure.of("HEAD bucket", where.bucket(), e);
      }
    }
    try {
      client.createBucket(b -> {
        b.bucket(where.bucket());
        // us-east-1 is S3's default and refuses to be named as a location constraint.
        if (where.endpoint() == null && !where.region().equals("us-east-1")) {
          b.createBucketConfiguration(CreateBucketConfiguration.builder()
              .locationConstraint(BucketLocationConstraint.fromValue(where.region())).build());
        }
      });
    } catch (SdkException e) {
      if (e instanceof S3Exception s && s.awsErrorDetails() != null
          && "BucketAlreadyOwnedByYou".equals(s.awsErrorDetails().errorCode())) {
        return; // created concurrently by another writer: fine
      }
      throw S3Failure.of("create bucket", where.bucket(), e);
    }
  }

  @Override
  public void save(Handle h, List<ByteBuffer> parts) throws IOException {
    String key = key(h);
    long len = 0;
    MessageDigest md = md5();
    for (ByteBuffer p : parts) {
      len += p.remaining();
      md.update(p.duplicate());
    }
    String md5 = Base64.getEncoder().encodeToString(md.digest());
    long length = len;
    // The body is read straight from the caller's buffers, also on retries: no copy.
    RequestBody body = RequestBody.fromContentProvider(
        () -> new PartsInputStream(parts), length, "application/octet-stream");
    try {
      client.putObject(b -> b.bucket(where.bucket()).key(key).contentLength(length)
          .contentMD5(md5), body);
    } catch (SdkException e) {
      throw S3Failure.of("PUT", object(key), e);
    }
  }

  @Override
  public byte[] load(Handle h, long offset, int length) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return loadOnce(h, offset, length);
      } catch (BrokenBody e) {
        if (attempt >= retries.bodyAttempts()) {
          throw new TransientBackendException("S3 GET " + object(key(h)) + " failed after "
              + attempt + " attempts: " + e.getMessage(), e);
        }
        backOff(attempt);
      }
    }
  }

  /** Exponential backoff with full jitter: by default up to 0.2, 0.4, ... s, capped at 5 s. */
  private void backOff(int attempt) throws java.io.InterruptedIOException {
    long capMillis = retries.bodyBackoffCapMillis(attempt);
    try {
      Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(capMillis + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting to retry a GET");
    }
  }

  private byte[] loadOnce(Handle h, long offset, int length) throws IOException {
    String key = key(h);
    if (offset < 0) {
      throw new EOFException(h + ": negative offset " + offset);
    }
    if (length == 0) {
      // S3 has no empty range; only check that the offset is inside the file.
      long size = stat(h).orElseThrow(() -> new java.nio.file.NoSuchFileException(object(key)));
      if (offset > size) {
        throw new EOFException(h + " has " + size + " bytes, wanted 0 at " + offset);
      }
      return new byte[0];
    }
    String range = length < 0 ? (offset == 0 ? null : "bytes=" + offset + "-")
        : "bytes=" + offset + "-" + (offset + length - 1);
    try (ResponseInputStream<GetObjectResponse> in =
        client.getObject(b -> b.bucket(where.bucket()).key(key).range(range))) {
      long got = in.response().contentLength() == null ? -1 : in.response().contentLength();
      long want = length < 0 ? got : length;
      if (got < 0) {
        throw new IOException("S3 GET " + object(key) + ": no Content-Length in the response");
      }
      if (got < want) {
        throw new EOFException(h + " is shorter than " + (offset + want) + " bytes");
      }
      if (want > Integer.MAX_VALUE - 16) {
        throw new IOException(h + " is too large to load at once (" + want + " bytes)");
      }
      return readFully(in, (int) want, h);
    } catch (SdkException e) {
      if (e instanceof S3Exception s && s.statusCode() == 416) {
        throw new EOFException(h + " is shorter than offset " + offset);
      }
      throw S3Failure.of("GET", object(key), e);
    }
  }

  private static byte[] readFully(InputStream in, int n, Handle h) throws IOException {
    byte[] buf = new byte[n];
    int pos = 0;
    while (pos < n) {
      int r;
      try {
        r = in.read(buf, pos, n - pos);
      } catch (IOException e) {
        throw new BrokenBody(h + ": the connection failed after " + pos + " of " + n
            + " bytes: " + e.getMessage(), e);
      }
      if (r < 0) {
        throw new BrokenBody(h + ": the connection ended after " + pos + " of " + n + " bytes",
            null);
      }
      pos += r;
    }
    return buf;
  }

  /** A response body that broke off after its headers: worth another GET. */
  private static final class BrokenBody extends IOException {
    private static final long serialVersionUID = 1L;

    BrokenBody(String message, Throwable cause) {
      super(message, cause);
    }
  }

  @Override
  public Optional<Long> stat(Handle h) throws IOException {
    String key = key(h);
    try {
      return Optional.of(client.headObject(b -> b.bucket(where.bucket()).key(key))
          .contentLength());
    } catch (SdkException e) {
      if (S3Failure.isNotFound(e)) {
        return Optional.empty();
      }
      throw S3Failure.of("HEAD", object(key), e);
    }
  }

  @Override
  public void list(FileType type, Consumer<FileInfo> consumer) throws IOException {
    if (type == FileType.CONFIG) {
      throw new IllegalArgumentException("the config is not listed");
    }
    String folder = where.key(type.folder()) + "/";
    try {
      // The paginator follows continuation tokens, 1000 keys per request.
      for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket(where.bucket())
          .prefix(folder)).contents()) {
        String rel = o.key().substring(folder.length());
        String name = rel.substring(rel.lastIndexOf('/') + 1);
        if (!Id.isValid(name)) {
          continue;
        }
        boolean placed = type == FileType.PACK
            ? rel.equals(name.substring(0, 2) + "/" + name) : rel.equals(name);
        if (placed) {
          consumer.accept(new FileInfo(name, o.size()));
        }
      }
    } catch (SdkException e) {
      throw S3Failure.of("LIST", object(folder), e);
    }
  }

  @Override
  public void listFolder(FileType type, String folder, Consumer<FileInfo> consumer)
      throws IOException {
    Handle.requireFolder(type, folder);
    String prefix = where.key(type.folder() + "/" + folder) + "/";
    try {
      for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket(where.bucket())
          .prefix(prefix)).contents()) {
        String name = o.key().substring(prefix.length());
        if (!name.contains("/") && Handle.isValidName(type, folder + "/" + name)) {
          consumer.accept(new FileInfo(name, o.size()));
        }
      }
    } catch (SdkException e) {
      throw S3Failure.of("LIST", object(prefix), e);
    }
  }

  @Override
  public void listTree(FileType type, Consumer<FileInfo> consumer) throws IOException {
    if (!type.hasPathNames()) {
      throw new IllegalArgumentException("cannot list " + type + " as a tree");
    }
    String prefix = where.key(type.folder()) + "/";
    try {
      for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket(where.bucket())
          .prefix(prefix)).contents()) {
        String name = o.key().substring(prefix.length());
        if (Handle.isValidName(type, name)) {
          consumer.accept(new FileInfo(name, o.size()));
        }
      }
    } catch (SdkException e) {
      throw S3Failure.of("LIST", object(prefix), e);
    }
  }

  @Override
  public void delete(Handle h) throws IOException {
    String key = key(h);
    try {
      client.deleteObject(b -> b.bucket(where.bucket()).key(key));
    } catch (SdkException e) {
      if (!S3Failure.isNotFound(e)) {
        throw S3Failure.of("DELETE", object(key), e);
      }
    }
  }

  @Override
  public int connections() {
    return where.connections();
  }

  @Override
  public void close() {
    client.close();
  }

  private String object(String key) {
    return where.bucket() + "/" + key;
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is part of every Java runtime", e);
    }
  }
}

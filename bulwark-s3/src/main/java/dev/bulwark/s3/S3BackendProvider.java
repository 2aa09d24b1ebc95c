package dev.bulwark.s3;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.BackendProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Opens {@code s3:...} locations as {@link S3Backend}s (see {@link S3Location} for the forms
 * and settings). Credentials: {@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY} / {@code
 * AWS_SESSION_TOKEN} from the given environment, else the credentials file {@code
 * AWS_SHARED_CREDENTIALS_FILE}, else the profile named by {@code AWS_PROFILE}, else the SDK's
 * default chain (profile files, container and instance roles).
 */
public final class S3BackendProvider implements BackendProvider {
  /**
   * An AWS-style credentials file to take the keys from (profile {@code AWS_PROFILE}, else
   * {@code default}): the SDK's own variable, also what {@code bulwark.yml}'s {@code
   * s3.credentials-file} sets.
   */
  public static final String CREDENTIALS_FILE = "AWS_SHARED_CREDENTIALS_FILE";
  /** A connection that sends nothing for this long is dropped and the request retried. */
  static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  // A backstop for one attempt (a 16 MiB pack at a slow 100 KiB/s takes under 3 minutes);
  // a stalled read is caught much sooner by the socket timeout.
  static final Duration ATTEMPT_TIMEOUT = Duration.ofMinutes(5);

  @Override
  public boolean accepts(String location) {
    return location.startsWith("s3:");
  }

  @Override
  public Backend open(String location, Map<String, String> env) throws BulwarkException {
    S3Location where = S3Location.parse(location, env);
    S3Retries retries = S3Retries.from(env);
    return new S3Backend(client(where, credentials(env), retries), where, retries);
  }

  /** An S3 client for {@code where}, with our retry, timeout and checksum settings. */
  static S3Client client(S3Location where, AwsCredentialsProvider credentials,
      S3Retries retries) throws BulwarkException {
    // Exponential backoff with full jitter on throttling, 5xx, timeouts and connection resets
    // (the standard strategy's conditions); no circuit breaker, since a backup would rather
    // wait out a bad minute than fail.
    RetryStrategy retry = AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(retries.attempts())
        .circuitBreakerEnabled(false)
        .backoffStrategy(BackoffStrategy.exponentialDelay(retries.firstBackoff(),
            retries.maxBackoff()))
        .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(
            retries.firstThrottlingBackoff(), retries.maxBackoff()))
        .build();
    S3ClientBuilder b = S3Client.builder()
        .region(Region.of(where.region()))
        .credentialsProvider(credentials)
        .forcePathStyle(where.pathStyle())
        // We send Content-MD5 ourselves, which every S3-compatible store checks; the SDK's
        // newer CRC trailers (aws-chunked) are not understood by all of them.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(CONNECT_TIMEOUT)
            .socketTimeout(SOCKET_TIMEOUT))
        .overrideConfiguration(o -> o.retryStrategy(retry)
            .apiCallAttemptTimeout(ATTEMPT_TIMEOUT));
    if (where.endpoint() != null) {
      b.endpointOverride(where.endpoint());
    }
    try {
      return b.build();
    } catch (SdkException | IllegalArgumentException e) {
      throw new BulwarkException("cannot set up the S3 client for " + where.display() + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * The keys of {@code profile} in an AWS-style credentials file, read now: a missing file or
   * profile is one line at open rather than a failure at the first request.
   */
  private static AwsCredentialsProvider fromFile(Path file, String profile)
      throws BulwarkException {
    if (!Files.isReadable(file)) {
      throw new BulwarkException("the S3 credentials file " + file + " (" + CREDENTIALS_FILE
          + ") cannot be read" + (Files.exists(file) ? " (check its permissions)" : ": no such "
          + "file"));
    }
    try {
      ProfileFile content = ProfileFile.builder().content(file)
          .type(ProfileFile.Type.CREDENTIALS).build();
      AwsCredentialsProvider p = ProfileCredentialsProvider.builder().profileFile(content)
          .profileName(profile).build();
      // Resolved once here so that the error names the file; the keys are then kept.
      return StaticCredentialsProvider.create(p.resolveCredentials());
    } catch (SdkException | IllegalArgumentException | IllegalStateException e) {
      throw new BulwarkException("the S3 credentials file " + file + " has no usable keys for "
          + "profile '" + profile + "' (expected [" + profile + "] with aws_access_key_id and "
          + "aws_secret_access_key): " + e.getMessage(), e);
    }
  }

  /**
   * Credentials from {@code env} (keys, then an AWS-style credentials file, then a profile of
   * the SDK's usual files), else the SDK's default chain.
   */
  static AwsCredentialsProvider credentials(Map<String, String> env) throws BulwarkException {
    String ak = env.get("AWS_ACCESS_KEY_ID");
    String sk = env.get("AWS_SECRET_ACCESS_KEY");
    String token = env.get("AWS_SESSION_TOKEN");
    boolean hasAk = ak != null && !ak.isEmpty();
    boolean hasSk = sk != null && !sk.isEmpty();
    if (hasAk && hasSk) {
      return StaticCredentialsProvider.create(token == null || token.isEmpty()
          ? AwsBasicCredentials.create(ak, sk) : AwsSessionCredentials.create(ak, sk, token));
    }
    if (hasAk || hasSk) {
      throw new BulwarkException((hasAk ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID")
          + " is not set, but " + (hasAk ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY")
          + " is; set both");
    }
    String profile = env.get("AWS_PROFILE");
    String file = env.get(CREDENTIALS_FILE);
    if (file != null && !file.isEmpty()) {
      return fromFile(Path.of(file), profile == null || profile.isEmpty() ? "default" : profile);
    }
    if (profile != null && !profile.isEmpty()) {
      return ProfileCredentialsProvider.builder().profileName(profile).build();
    }
    return DefaultCredentialsProvider.builder().build();
  }
}

package dev.bulwark.core.backend;

/**
 * Upload and download limits in KiB/s, as restic's {@code --limit-upload} and {@code
 * --limit-download} mean them (1 KiB = 1024 bytes); 0 means unlimited.
 *
 * @param uploadKiBps the most bytes per second, in KiB, that saves may send; 0 = unlimited
 * @param downloadKiBps the most bytes per second, in KiB, that loads may receive; 0 = unlimited
 */
public record RateLimits(long uploadKiBps, long downloadKiBps) {
  /** No limit either way. */
  public static final RateLimits UNLIMITED = new RateLimits(0, 0);

  /** A limit of 1 KiB/s, in bytes per second. */
  private static final long KIB = 1024;

  /**
   * Checks neither limit is negative.
   *
   * @param uploadKiBps the upload limit in KiB/s; 0 = unlimited
   * @param downloadKiBps the download limit in KiB/s; 0 = unlimited
   */
  public RateLimits {
    if (uploadKiBps < 0 || downloadKiBps < 0) {
      throw new IllegalArgumentException("rate limits cannot be negative (0 means unlimited): "
          + "upload " + uploadKiBps + ", download " + downloadKiBps);
    }
    if (uploadKiBps > Long.MAX_VALUE / KIB || downloadKiBps > Long.MAX_VALUE / KIB) {
      throw new IllegalArgumentException("rate limit too large");
    }
  }

  /**
   * True if neither direction is limited.
   *
   * @return true if both limits are 0
   */
  public boolean isUnlimited() {
    return uploadKiBps == 0 && downloadKiBps == 0;
  }

  /**
   * {@code backend} with these limits applied, or {@code backend} itself when unlimited. One
   * call makes one pair of buckets: every thread that uses the returned backend shares them.
   *
   * @param backend the backend to limit
   * @return a backend that waits as needed to keep to the limits
   */
  public Backend apply(Backend backend) {
    if (isUnlimited()) {
      return backend;
    }
    return new ThrottledBackend(backend,
        uploadKiBps == 0 ? null : new TokenBucket(uploadKiBps * KIB),
        downloadKiBps == 0 ? null : new TokenBucket(downloadKiBps * KIB));
  }
}

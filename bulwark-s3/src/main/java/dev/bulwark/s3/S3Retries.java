package dev.bulwark.s3;

import dev.bulwark.core.BulwarkException;
import java.time.Duration;
import java.util.Map;

/**
 * How hard a request to S3 is retried: {@code attempts} per request (the first included) and
 * the {@code firstBackoff}, from which the other waits follow (throttling starts five times
 * higher, every wait is capped at a hundred times it, a broken-off GET body at 25 times it).
 * The defaults (10 attempts, 200 ms: about 2 minutes of backoff at most) suit real servers;
 * {@code BULWARK_S3_ATTEMPTS} and {@code BULWARK_S3_BACKOFF_MS} change them, which tests
 * against a local server use so as not to wait out a real retry budget.
 */
record S3Retries(int attempts, Duration firstBackoff) {
  /** Environment variable: attempts per request, 1 to 100. */
  static final String ATTEMPTS = "BULWARK_S3_ATTEMPTS";
  /** Environment variable: the first backoff in milliseconds, 1 to 10000. */
  static final String BACKOFF_MS = "BULWARK_S3_BACKOFF_MS";
  static final S3Retries DEFAULT = new S3Retries(10, Duration.ofMillis(200));
  /** Attempts at a GET whose body breaks off; the SDK retries only until the headers arrive. */
  static final int BODY_ATTEMPTS = 6;

  S3Retries {
    if (attempts < 1 || firstBackoff.isNegative() || firstBackoff.isZero()) {
      throw new IllegalArgumentException("attempts " + attempts + ", backoff " + firstBackoff);
    }
  }

  /** The settings in {@code env}, each defaulting to {@link #DEFAULT}'s. */
  static S3Retries from(Map<String, String> env) throws BulwarkException {
    return new S3Retries(number(env, ATTEMPTS, DEFAULT.attempts, 100),
        Duration.ofMillis(number(env, BACKOFF_MS, DEFAULT.firstBackoff.toMillis(), 10_000)));
  }

  /** Where throttling (503 Slow Down, 429) backoff starts. */
  Duration firstThrottlingBackoff() {
    return firstBackoff.multipliedBy(5);
  }

  /** The longest single wait. */
  Duration maxBackoff() {
    return firstBackoff.multipliedBy(100);
  }

  /** The cap of the (jittered) wait before GET attempt {@code attempt + 1} of a broken body. */
  long bodyBackoffCapMillis(int attempt) {
    long first = firstBackoff.toMillis();
    return Math.min(25 * first, (first / 2) << Math.min(attempt, 20));
  }

  /** Attempts at a GET whose body breaks off, never more than {@link #attempts}. */
  int bodyAttempts() {
    return Math.min(BODY_ATTEMPTS, attempts);
  }

  private static int number(Map<String, String> env, String name, long dflt, int max)
      throws BulwarkException {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return (int) dflt;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BulwarkException(name + " must be a number from 1 to " + max + ", not '" + v + "'");
  }
}

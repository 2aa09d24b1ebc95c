package dev.bulwark.core.chunk;

import java.security.SecureRandom;

/**
 * A random irreducible polynomial of degree 53 over GF(2), which restic requires in every
 * repository config (it refuses to open a repository whose polynomial is reducible). Bulwark's
 * own chunks are fixed-size, but restic uses the polynomial when it backs up into our
 * repositories, so it must be valid.
 *
 * <p>Polynomials are bit sets in a {@code long}: bit i is the coefficient of x^i.
 */
public final class ChunkerPolynomial {
  private static final int DEGREE = 53;

  private ChunkerPolynomial() {}

  /** Draws random degree-53 polynomials until one is irreducible, as restic does. */
  public static long random(SecureRandom random) {
    while (true) {
      long p = random.nextLong() & ((1L << (DEGREE + 1)) - 1);
      p |= 1L << DEGREE | 1L;
      if (isIrreducible(p)) {
        return p;
      }
    }
  }

  /** The lower-case hex form restic writes in the config (no prefix, no padding). */
  public static String toHex(long p) {
    return Long.toHexString(p);
  }

  /**
   * Ben-Or's test: P of degree d is irreducible iff gcd(P, x^(2^i) - x mod P) = 1 for every
   * i in 1..d/2.
   */
  public static boolean isIrreducible(long p) {
    int d = degree(p);
    if (d < 1) {
      return false;
    }
    long x = 2; // the polynomial "x"
    long xPow = x;
    for (int i = 1; i <= d / 2; i++) {
      xPow = mulMod(xPow, xPow, p);
      if (gcd(p, xPow ^ x) != 1) {
        return false;
      }
    }
    return true;
  }

  static int degree(long p) {
    return 63 - Long.numberOfLeadingZeros(p);
  }

  /** a * b mod p, with a and b already reduced mod p. */
  static long mulMod(long a, long b, long p) {
    int d = degree(p);
    long result = 0;
    for (int i = degree(b); i >= 0; i--) {
      result <<= 1;
      if ((result >>> d & 1) != 0) {
        result ^= p;
      }
      if ((b >>> i & 1) != 0) {
        result ^= a;
      }
    }
    return result;
  }

  static long mod(long a, long p) {
    int dp = degree(p);
    for (int da = degree(a); da >= dp; da = degree(a)) {
      a ^= p << (da - dp);
    }
    return a;
  }

  static long gcd(long a, long b) {
    while (b != 0) {
      long r = mod(a, b);
      a = b;
      b = r;
    }
    return a;
  }
}

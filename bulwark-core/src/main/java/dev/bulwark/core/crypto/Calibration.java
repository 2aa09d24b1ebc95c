package dev.bulwark.core.crypto;

import org.bouncycastle.crypto.generators.SCrypt;

/**
 * Picks scrypt parameters for new keys the way restic does (simple-scrypt's Calibrate with
 * restic's 500 ms and 60 MiB): N a power of two as large as memory and time allow, r = 8, then p
 * raised to fill the time; N never below restic's 2^15. Measured once, when first asked for, from a small derivation scaled
 * up (scrypt's cost grows linearly in N·r·p); costs about a second, only when a key is made.
 */
final class Calibration {
  private static final long TARGET_NANOS = 500_000_000L;
  private static final long MAX_MEMORY = 60L << 20;
  private static final int R = 8;
  /** restic's starting N: measuring there, not at a smaller N, keeps memory effects in. */
  private static final int PROBE_N = 1 << 15;

  static final Kdf.Params PARAMS = calibrate();

  private Calibration() {}

  private static Kdf.Params calibrate() {
    byte[] pw = new byte[8];
    byte[] salt = new byte[64];
    for (int i = 0; i < 3; i++) { // warm up the JIT so it does not skew the probe
      SCrypt.generate(pw, salt, 1024, R, 1, 64);
    }
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 2; i++) {
      long t0 = System.nanoTime();
      SCrypt.generate(pw, salt, PROBE_N, R, 1, 64);
      best = Math.min(best, System.nanoTime() - t0);
    }
    double nanosPerN = Math.max(1, best) / (double) PROBE_N;
    int n = 1 << 15; // restic's starting N: it never writes less
    while (128L * R * (n * 2L) <= MAX_MEMORY && nanosPerN * n * 2 <= TARGET_NANOS) {
      n *= 2;
    }
    long p = Math.max(1, (long) (TARGET_NANOS / (nanosPerN * n)));
    return new Kdf.Params(n, R, (int) Math.min(p, 64));
  }
}

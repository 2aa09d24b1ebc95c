package dev.bulwark.cli;

import dev.bulwark.core.crypto.Kdf;
import picocli.CommandLine.Option;

/**
 * scrypt cost for new key files: calibrated on this machine as restic does, unless a flag sets
 * one of them (tests do, to stay fast); a parameter not given then comes from restic's default.
 */
final class KdfOptions {
  @Option(names = "--kdf-n", hidden = true, description = "scrypt N for new keys (power of two).")
  Integer n;
  @Option(names = "--kdf-r", hidden = true, description = "scrypt r.")
  Integer r;
  @Option(names = "--kdf-p", hidden = true, description = "scrypt p.")
  Integer p;

  Kdf.Params params() throws UsageException {
    if (n == null && r == null && p == null) {
      return Kdf.Params.calibrated();
    }
    Kdf.Params d = Kdf.Params.DEFAULT;
    try {
      return new Kdf.Params(n != null ? n : d.n(), r != null ? r : d.r(), p != null ? p : d.p());
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }
}

package dev.bulwark.cli;

import dev.bulwark.core.crypto.Kdf;
import picocli.CommandLine.Option;

/** scrypt cost for new key files; the defaults match restic's. */
final class KdfOptions {
  @Option(names = "--kdf-n", hidden = true, defaultValue = "32768",
      description = "scrypt N for new keys (power of two).")
  int n;
  @Option(names = "--kdf-r", hidden = true, defaultValue = "8", description = "scrypt r.")
  int r;
  @Option(names = "--kdf-p", hidden = true, defaultValue = "1", description = "scrypt p.")
  int p;

  Kdf.Params params() throws UsageException {
    try {
      return new Kdf.Params(n, r, p);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }
}

package dev.bulwark.core.repo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.chunk.ChunkerPolynomial;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The repository config: format version, a random repository id and the chunker polynomial.
 * Stored encrypted as raw JSON (never zstd, even in version 2).
 */
public record Config(int version, String id, String chunkerPolynomial) {
  public Config {
    if (version < 1 || version > 2) {
      throw new IllegalArgumentException("unsupported repository version " + version);
    }
  }

  /** A new version 2 config with a fresh id and irreducible polynomial. */
  static Config create(SecureRandom random) {
    byte[] id = new byte[32];
    random.nextBytes(id);
    return new Config(2, HexFormat.of().formatHex(id),
        ChunkerPolynomial.toHex(ChunkerPolynomial.random(random)));
  }

  byte[] toJson() {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("version", version);
    n.put("id", id);
    n.put("chunker_polynomial", chunkerPolynomial);
    try {
      return Json.MAPPER.writeValueAsString(n).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Config parse(byte[] json) throws CorruptionException {
    try {
      JsonNode n = Json.MAPPER.readTree(json);
      int version = n.path("version").asInt(-1);
      if (version < 1 || version > 2) {
        throw new CorruptionException("config: unsupported repository version " + version);
      }
      String poly = n.path("chunker_polynomial").asText("");
      if (poly.isEmpty() || !ChunkerPolynomial.isIrreducible(Long.parseUnsignedLong(poly, 16))) {
        throw new CorruptionException("config: invalid chunker polynomial " + poly);
      }
      return new Config(version, n.path("id").asText(), poly);
    } catch (IOException | NumberFormatException e) {
      throw new CorruptionException("config: not valid JSON: " + e.getMessage(), e);
    }
  }
}

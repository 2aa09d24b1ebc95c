package dev.bulwark.core.repo;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.crypto.MasterKey;
import dev.bulwark.core.crypto.UnauthenticatedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * One key file: the master key wrapped under a key derived (scrypt) from one password.
 * Stored as plaintext JSON; its id is the SHA-256 of the file.
 */
public record KeyFile(Instant created, String username, String hostname, int n, int r, int p,
    String salt, String data) {

  /** Wraps {@code master} under {@code password} with fresh salt. */
  static KeyFile wrap(MasterKey master, byte[] password, Kdf.Params params, String username,
      String hostname) {
    byte[] salt = Kdf.newSalt();
    try (MasterKey user = Kdf.deriveUserKey(password, salt, params.n(), params.r(), params.p())) {
      byte[] json = master.toJson();
      try {
        byte[] sealed = user.seal(json, 0, json.length);
        Base64.Encoder b64 = Base64.getEncoder();
        return new KeyFile(Instant.now(), username, hostname, params.n(), params.r(),
            params.p(), b64.encodeToString(salt), b64.encodeToString(sealed));
      } finally {
        java.util.Arrays.fill(json, (byte) 0);
      }
    }
  }

  /**
   * The master key, if {@code password} opens this key file.
   *
   * @throws CorruptionException if the file is malformed (not merely a different password)
   */
  Optional<MasterKey> unwrap(byte[] password) throws CorruptionException {
    byte[] saltBytes;
    byte[] sealed;
    try {
      saltBytes = Base64.getDecoder().decode(salt);
      sealed = Base64.getDecoder().decode(data);
      new Kdf.Params(n, r, p).requireAffordable();
      if (saltBytes.length != Kdf.SALT_LENGTH) {
        // A damaged file (a flipped byte in the field's name leaves it empty), never a
        // different password: say so instead of failing inside the key derivation.
        throw new IllegalArgumentException("its salt has " + saltBytes.length + " bytes, not "
            + Kdf.SALT_LENGTH);
      }
    } catch (IllegalArgumentException e) {
      throw new CorruptionException("key file: " + e.getMessage(), e);
    }
    try (MasterKey user = Kdf.deriveUserKey(password, saltBytes, n, r, p)) {
      byte[] json = user.open(sealed);
      try {
        return Optional.of(MasterKey.fromJson(json));
      } finally {
        java.util.Arrays.fill(json, (byte) 0);
      }
    } catch (UnauthenticatedException e) {
      return Optional.empty();
    }
  }

  /** Compact JSON in the field order restic writes. */
  byte[] toJson() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("created", Json.time(created));
      g.writeStringField("username", username);
      g.writeStringField("hostname", hostname);
      g.writeStringField("kdf", "scrypt");
      g.writeNumberField("N", n);
      g.writeNumberField("r", r);
      g.writeNumberField("p", p);
      g.writeStringField("salt", salt);
      g.writeStringField("data", data);
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  static KeyFile parse(byte[] json, String what) throws CorruptionException {
    try {
      JsonNode k = Json.MAPPER.readTree(json);
      if (!"scrypt".equals(k.path("kdf").asText())) {
        throw new CorruptionException(what + ": unsupported key derivation " + k.path("kdf"));
      }
      Instant created;
      try {
        created = Json.parseTime(k.path("created").asText()).toInstant();
      } catch (RuntimeException e) {
        created = Instant.EPOCH;
      }
      return new KeyFile(created, k.path("username").asText(""), k.path("hostname").asText(""),
          k.path("N").asInt(), k.path("r").asInt(), k.path("p").asInt(), k.path("salt").asText(),
          k.path("data").asText());
    } catch (IOException e) {
      throw new CorruptionException(what + ": not a key file: " + e.getMessage(), e);
    }
  }
}

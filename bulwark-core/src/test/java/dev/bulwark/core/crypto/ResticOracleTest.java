package dev.bulwark.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.core.Id;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.core.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real restic 0.14 as oracle: we open the key file and config of a repository restic made,
 * and restic reads a config and a key file we sealed.
 */
@Slow
class ResticOracleTest {
  private static final String PASSWORD = "secretpw";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir static Path dir;
  private static Path restic;
  private static Path repo;
  private static Map<String, String> env;

  @BeforeAll
  static void initRepository() {
    restic = Tools.require("restic");
    repo = dir.resolve("repo");
    env = Map.of("RESTIC_PASSWORD", PASSWORD, "RESTIC_CACHE_DIR", dir.resolve("cache").toString());
    restic(repo, "init", "--repository-version", "2");
  }

  private static String restic(Path repository, String... args) {
    String[] cmd = Stream.concat(
        Stream.of(restic.toString(), "-r", repository.toString(), "--no-cache"), Stream.of(args))
        .toArray(String[]::new);
    return Tools.run(dir, env, cmd);
  }

  private static Path onlyKeyFile(Path repository) throws Exception {
    try (Stream<Path> files = Files.list(repository.resolve("keys"))) {
      List<Path> keys = files.toList();
      assertThat(keys).hasSize(1);
      return keys.get(0);
    }
  }

  private static MasterKey userKey(JsonNode keyFile, String password) {
    byte[] salt = Base64.getDecoder().decode(keyFile.get("salt").asText());
    return Kdf.deriveUserKey(Kdf.passwordBytes(password.toCharArray()), salt,
        keyFile.get("N").asInt(), keyFile.get("r").asInt(), keyFile.get("p").asInt());
  }

  @Test
  void opensResticsKeyFileAndConfigWithThePassword() throws Exception {
    JsonNode keyFile = MAPPER.readTree(Files.readAllBytes(onlyKeyFile(repo)));
    assertThat(keyFile.get("kdf").asText()).isEqualTo("scrypt");
    byte[] data = Base64.getDecoder().decode(keyFile.get("data").asText());
    try (MasterKey user = userKey(keyFile, PASSWORD);
        MasterKey master = MasterKey.fromJson(user.open(data))) {
      assertThat(MAPPER.readTree(master.toJson()))
          .as("restic cat masterkey")
          .isEqualTo(MAPPER.readTree(restic(repo, "cat", "masterkey")));
      JsonNode config = MAPPER.readTree(master.open(Files.readAllBytes(repo.resolve("config"))));
      assertThat(config.get("version").asInt()).isEqualTo(2);
      assertThat(config.get("chunker_polynomial").asText()).matches("[0-9a-f]+");
    }
  }

  @Test
  void aWrongPasswordCannotOpenTheKeyFile() throws Exception {
    JsonNode keyFile = MAPPER.readTree(Files.readAllBytes(onlyKeyFile(repo)));
    byte[] data = Base64.getDecoder().decode(keyFile.get("data").asText());
    try (MasterKey user = userKey(keyFile, "secretpW")) {
      assertThatThrownBy(() -> user.open(data)).isInstanceOf(UnauthenticatedException.class);
    }
  }

  @Test
  void resticReadsAConfigAndAKeyFileWeSealed(@TempDir Path scratch) throws Exception {
    Path copy = scratch.resolve("repo");
    try (Stream<Path> tree = Files.walk(repo)) {
      for (Path from : tree.toList()) {
        Files.copy(from, copy.resolve(repo.relativize(from).toString()));
      }
    }
    Path oldKeyPath = onlyKeyFile(copy);
    JsonNode oldKeyFile = MAPPER.readTree(Files.readAllBytes(oldKeyPath));
    byte[] oldData = Base64.getDecoder().decode(oldKeyFile.get("data").asText());
    try (MasterKey oldUser = userKey(oldKeyFile, PASSWORD);
        MasterKey master = MasterKey.fromJson(oldUser.open(oldData))) {
      Path configPath = copy.resolve("config");
      byte[] configJson = master.open(Files.readAllBytes(configPath));
      Files.delete(configPath); // restic made it read-only
      Files.write(configPath, master.seal(configJson));

      byte[] salt = Kdf.newSalt();
      Kdf.Params params = Kdf.Params.DEFAULT;
      byte[] pw = Kdf.passwordBytes(PASSWORD.toCharArray());
      ObjectNode keyFile = MAPPER.createObjectNode()
          .put("created", "2026-11-21T19:17:58.481387237Z")
          .put("username", "bulwark-test")
          .put("hostname", "localhost")
          .put("kdf", "scrypt")
          .put("N", params.n())
          .put("r", params.r())
          .put("p", params.p())
          .put("salt", Base64.getEncoder().encodeToString(salt));
      try (MasterKey user = Kdf.deriveUserKey(pw, salt, params.n(), params.r(), params.p())) {
        keyFile.put("data", Base64.getEncoder().encodeToString(user.seal(master.toJson())));
      }
      byte[] keyBytes = MAPPER.writeValueAsBytes(keyFile);
      Files.write(copy.resolve("keys").resolve(Id.hash(keyBytes).toString()), keyBytes);
      Files.delete(oldKeyPath); // so restic can only get in through our key file

      assertThat(MAPPER.readTree(restic(copy, "cat", "config")))
          .isEqualTo(MAPPER.readTree(configJson));
      assertThat(MAPPER.readTree(restic(copy, "cat", "masterkey")))
          .isEqualTo(MAPPER.readTree(master.toJson()));
    }
  }
}

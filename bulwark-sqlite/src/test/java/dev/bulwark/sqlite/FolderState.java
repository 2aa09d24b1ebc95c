package dev.bulwark.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Every file in a folder with a hash of its bytes: equal states mean nothing changed. */
final class FolderState {
  private FolderState() {}

  static Map<String, String> of(Path folder) throws IOException {
    Map<String, String> state = new TreeMap<>();
    try (Stream<Path> s = Files.list(folder)) {
      for (Path p : s.toList()) {
        state.put(p.getFileName().toString(), Files.isRegularFile(p) ? sha256(p) : "not a file");
      }
    }
    return state;
  }

  private static String sha256(Path p) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(Files.readAllBytes(p)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

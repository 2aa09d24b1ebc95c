package dev.bulwark.core.backend;

import dev.bulwark.core.BulwarkException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/**
 * Opens a backend for a repository location: a path or {@code local:PATH} is a
 * {@link LocalBackend}; any other {@code scheme:...} goes to the {@link BackendProvider} on the
 * class path that accepts it.
 */
public final class Backends {
  // A URI-like scheme of two or more characters, so that "C:" style names stay paths.
  private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]+):.*");

  private Backends() {}

  /**
   * Opens the backend at {@code location}.
   *
   * @param env the environment, passed to providers (credentials, endpoints)
   * @throws BulwarkException if no provider on the class path handles the location's scheme
   */
  public static Backend open(String location, Map<String, String> env)
      throws IOException, BulwarkException {
    var m = SCHEME.matcher(location);
    if (!m.matches()) {
      return LocalBackend.open(Path.of(location));
    }
    if (m.group(1).equals("local")) {
      return LocalBackend.open(Path.of(location.substring("local:".length())));
    }
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
      if (p.accepts(location)) {
        return p.open(location, env);
      }
    }
    throw new BulwarkException("no backend for '" + m.group(1) + ":' repository locations"
        + (m.group(1).equals("s3") ? " (bulwark-s3 is not on the class path)" : "")
        + "; use a folder path, local:PATH or s3:...");
  }
}

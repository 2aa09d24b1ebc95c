package dev.bulwark.junit;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The variables a repository backend reads (for S3: {@code AWS_*}, {@code BULWARK_S3_*}), looked
 * up as the drill's placeholders are: a JUnit configuration parameter or system property of
 * that name, else the environment variable. So a build can point a drill at an endpoint with
 * {@code -DAWS_ENDPOINT_URL=...} as well as through its environment.
 */
final class BackendVariables extends AbstractMap<String, String> {
  private final Function<String, Optional<String>> lookup;

  /** The variables {@code lookup} finds, which returns empty for an unknown name. */
  BackendVariables(Function<String, Optional<String>> lookup) {
    this.lookup = lookup;
  }

  @Override
  public @Nullable String get(@Nullable Object key) {
    return key instanceof String name ? lookup.apply(name).orElse(null) : null;
  }

  @Override
  public boolean containsKey(@Nullable Object key) {
    return get(key) != null;
  }

  /** The environment's variables: configuration parameters cannot be listed. */
  @Override
  public Set<Map.Entry<String, String>> entrySet() {
    return System.getenv().entrySet();
  }
}

package dev.bulwark.cli.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A validated configuration and where each value in it came from.
 *
 * @param config the configuration, defaults filled in
 * @param origins for each value that was set (in the file, the environment or by a flag), its
 *     origin, keyed by the path errors use: {@code repository}, {@code api.port},
 *     {@code databases[0].schedule.every}; a value missing here is a default
 */
public record EffectiveConfig(BulwarkConfig config, Map<String, Origin> origins) {
  public EffectiveConfig {
    origins = Collections.unmodifiableMap(new LinkedHashMap<>(origins));
  }

  /** Where the value at {@code path} came from; empty for a default. */
  public Optional<Origin> origin(String path) {
    return Optional.ofNullable(origins.get(path));
  }
}

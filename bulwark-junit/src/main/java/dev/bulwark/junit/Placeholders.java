package dev.bulwark.junit;

import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${NAME}} and {@code ${NAME:default}} in a drill's attributes through a lookup
 * (JUnit configuration parameters, which include system properties, then environment
 * variables). An empty value counts as unset: CI systems pass a secret that is not available
 * (say to a fork) as empty.
 */
final class Placeholders {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

  private final Function<String, Optional<String>> lookup;

  /** Placeholders resolved by {@code lookup}, which returns empty for an unknown name. */
  Placeholders(Function<String, Optional<String>> lookup) {
    this.lookup = lookup;
  }

  /** The value of the variable {@code name}, if it is set and not empty. */
  Optional<String> variable(String name) {
    return lookup.apply(name).filter(v -> !v.isEmpty());
  }

  /**
   * {@code text} with every placeholder replaced by its value, or by its default (what follows
   * the first colon, possibly nothing) when it has none.
   *
   * @param attribute the attribute's name, for the message
   * @throws NotConfiguredException if a placeholder has no value
   */
  String resolve(String attribute, String text) throws NotConfiguredException {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String placeholder = m.group(1);
      int colon = placeholder.indexOf(':');
      String name = (colon < 0 ? placeholder : placeholder.substring(0, colon)).trim();
      Optional<String> value = variable(name);
      if (value.isEmpty() && colon >= 0) {
        value = Optional.of(placeholder.substring(colon + 1));
      }
      if (value.isEmpty()) {
        throw new NotConfiguredException("restore drill not configured: " + attribute + " = \""
            + text + "\", and " + name + " is set neither as a configuration parameter or"
            + " system property nor as an environment variable");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value.get()));
    }
    m.appendTail(out);
    return out.toString();
  }
}

package dev.bulwark.cli.config;

/**
 * A value given on the command line, which wins over the file and the environment.
 *
 * @param flag the flag as the user typed it, for errors and for {@code config check}
 * @param field the dotted path of the value it sets, e.g. {@code api.port}; a field outside
 *     {@code databases}
 * @param value the value as text, checked like the same value in the file
 */
public record FlagOverride(String flag, String field, String value) {
  public FlagOverride {
    if (!ConfigSchema.TOP_VALUES.contains(field) || ConfigSchema.PATH_LISTS.contains(field)) {
      throw new IllegalArgumentException("no single-valued field " + field);
    }
  }
}

package dev.bulwark.cli.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads one YAML document into {@link YamlNode}s that carry their line numbers. Refuses, with
 * the line, what Jackson's tree would let through or garble: syntax errors, a key given twice,
 * a second document.
 */
final class YamlReader {
  private static final YAMLFactory FACTORY = new YAMLFactory();

  private YamlReader() {}

  /**
   * The file's top-level mapping.
   *
   * @throws ConfigException on a syntax error, a repeated key, or a top level that is not a
   *     mapping; the message starts with {@code file:line}
   * @throws IOException when the file cannot be read
   */
  static YamlNode.Mapping read(Path file) throws IOException, ConfigException {
    // Read it first so that a missing or unreadable file is an IOException, not a YAML error.
    byte[] content = Files.readAllBytes(file);
    try (JsonParser p = FACTORY.createParser(content)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new ConfigException(file + ":1: the file is empty; it needs at least "
            + "'repository' and a 'password-file' or 'key-files'");
      }
      YamlNode root = value(file, p, "", Origin.file(file, line(p)));
      if (p.nextToken() != null) {
        throw new ConfigException(Origin.file(file, line(p))
            + ": a second YAML document ('---'); put everything in one");
      }
      if (!(root instanceof YamlNode.Mapping m)) {
        throw new ConfigException(root.origin() + ": the file must be a mapping of fields "
            + "(repository: ..., databases: ...), not " + root.description());
      }
      return m;
    } catch (JsonProcessingException e) {
      throw syntaxError(file, e);
    }
  }

  private static YamlNode value(Path file, JsonParser p, String path, Origin origin)
      throws IOException, ConfigException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        Map<String, YamlNode> fields = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          Origin keyOrigin = Origin.file(file, line(p));
          String keyPath = path.isEmpty() ? key : path + "." + key;
          if (fields.containsKey(key)) {
            throw new ConfigException(keyOrigin + ": " + keyPath + ": given twice (first on "
                + "line " + fields.get(key).origin().line() + "); keep one");
          }
          p.nextToken();
          fields.put(key, value(file, p, keyPath, keyOrigin));
        }
        return new YamlNode.Mapping(fields, origin);
      }
      case START_ARRAY -> {
        List<YamlNode> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          Origin itemOrigin = Origin.file(file, line(p));
          items.add(value(file, p, path + "[" + items.size() + "]", itemOrigin));
        }
        return new YamlNode.Sequence(items, origin);
      }
      case VALUE_NULL -> {
        return new YamlNode.Scalar(null, origin);
      }
      case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> {
        return new YamlNode.Scalar(p.getText(), origin);
      }
      default -> throw new ConfigException(origin + ": unsupported YAML value (" + t + ")");
    }
  }

  private static int line(JsonParser p) {
    return p.currentTokenLocation().getLineNr();
  }

  /** One line from a parser error: SnakeYAML's problem and its line, without the excerpt. */
  private static ConfigException syntaxError(Path file, JsonProcessingException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof MarkedYAMLException m && m.getProblemMark() != null) {
        int line = m.getProblemMark().getLine() + 1;
        String problem = m.getProblem() == null ? "invalid YAML" : m.getProblem().strip();
        // The context says where the unfinished thing began, often the line to fix.
        if (m.getContext() != null && m.getContextMark() != null
            && m.getContextMark().getLine() + 1 != line) {
          problem += " (" + m.getContext().strip() + " that starts on line "
              + (m.getContextMark().getLine() + 1) + ")";
        }
        return new ConfigException(file + ":" + line + ": YAML syntax error: "
            + problem.replace('\n', ' '), e);
      }
    }
    int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
    String msg = e.getOriginalMessage() == null ? "invalid YAML"
        : e.getOriginalMessage().lines().findFirst().orElse("invalid YAML");
    return new ConfigException(file + ":" + line + ": YAML syntax error: " + msg, e);
  }
}

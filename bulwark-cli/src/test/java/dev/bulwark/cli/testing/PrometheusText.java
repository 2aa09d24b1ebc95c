package dev.bulwark.cli.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict parser of Prometheus' text exposition format (version 0.0.4), so tests can assert
 * what a scrape really says. Strict where Prometheus is lenient: every sample belongs to a
 * family declared by a {@code # TYPE} line before it, a family's lines are contiguous and
 * declared once, sample names fit their type (a counter's samples end in {@code _total} or
 * {@code _created}), and labels are unique per sample and per series. Any violation throws
 * {@link IllegalArgumentException} naming the line.
 */
public final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary",
      "untyped", "info", "stateset", "gaugehistogram", "unknown");

  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** One metric family: its declared name, type, help and samples in order. */
  public record Family(String name, String type, String help, List<Sample> samples) {}

  private PrometheusText() {}

  /** Families by name, in the order they appear. */
  public static Map<String, Family> parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition must end with a newline");
    }
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, String> helps = new LinkedHashMap<>();
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    Set<String> series = new java.util.HashSet<>();
    String current = null;
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      if (line.isEmpty()) {
        continue;
      }
      String where = "line " + n + " '" + line + "': ";
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
          String name = parts[2];
          if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(where + "bad metric name");
          }
          if (current != null && !current.equals(name) && (types.containsKey(name)
              || helps.containsKey(name))) {
            throw new IllegalArgumentException(where + "family " + name + " is not contiguous");
          }
          current = name;
          if (parts[1].equals("TYPE")) {
            if (parts.length != 4 || !TYPES.contains(parts[3])) {
              throw new IllegalArgumentException(where + "bad type");
            }
            if (types.putIfAbsent(name, parts[3]) != null) {
              throw new IllegalArgumentException(where + "second TYPE for " + name);
            }
            if (samples.containsKey(name)) {
              throw new IllegalArgumentException(where + "TYPE after samples");
            }
          } else if (helps.putIfAbsent(name, parts.length == 4 ? unescapeHelp(parts[3]) : "")
              != null) {
            throw new IllegalArgumentException(where + "second HELP for " + name);
          }
        }
        continue;
      }
      Sample s = sample(line, where);
      String family = familyOf(s.name(), types, where);
      if (current == null || !current.equals(family)) {
        throw new IllegalArgumentException(where + "sample outside its family's block");
      }
      if (!series.add(s.name() + s.labels())) {
        throw new IllegalArgumentException(where + "duplicate series");
      }
      samples.computeIfAbsent(family, k -> new ArrayList<>()).add(s);
    }
    Map<String, Family> out = new LinkedHashMap<>();
    for (var e : types.entrySet()) {
      out.put(e.getKey(), new Family(e.getKey(), e.getValue(), helps.get(e.getKey()),
          List.copyOf(samples.getOrDefault(e.getKey(), List.of()))));
    }
    return out;
  }

  private static String familyOf(String sample, Map<String, String> types, String where) {
    String type = types.get(sample);
    // A family may be declared by its sample name (client_java writes "# TYPE x_total counter").
    if (type != null && (!type.equals("counter") || sample.endsWith("_total"))) {
      return sample;
    }
    for (String suffix : List.of("_total", "_created", "_bucket", "_count", "_sum", "_info")) {
      if (sample.endsWith(suffix)) {
        String base = sample.substring(0, sample.length() - suffix.length());
        String t = types.get(base);
        if (t != null && fits(t, suffix)) {
          return base;
        }
      }
    }
    throw new IllegalArgumentException(where + "no TYPE declared for " + sample);
  }

  private static boolean fits(String type, String suffix) {
    return switch (type) {
      case "counter" -> suffix.equals("_total") || suffix.equals("_created");
      case "histogram", "gaugehistogram" -> Set.of("_bucket", "_count", "_sum", "_created")
          .contains(suffix);
      case "summary" -> Set.of("_count", "_sum", "_created").contains(suffix);
      case "info" -> suffix.equals("_info");
      default -> false;
    };
  }

  private static Sample sample(String line, String where) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(where + "bad metric name");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        if (eq < 0) {
          throw new IllegalArgumentException(where + "label without '='");
        }
        String label = line.substring(i, eq);
        if (!LABEL.matcher(label).matches() || eq + 1 >= line.length()
            || line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException(where + "bad label " + label);
        }
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        for (; ; j++) {
          if (j >= line.length()) {
            throw new IllegalArgumentException(where + "unterminated label value");
          }
          char c = line.charAt(j);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            char next = line.charAt(++j);
            switch (next) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw new IllegalArgumentException(where + "bad escape \\" + next);
            }
          } else {
            value.append(c);
          }
        }
        if (labels.put(label, value.toString()) != null) {
          throw new IllegalArgumentException(where + "duplicate label " + label);
        }
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        } else if (line.charAt(i) != '}') {
          throw new IllegalArgumentException(where + "expected ',' or '}'");
        }
      }
      i++;
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw new IllegalArgumentException(where + "expected a space before the value");
    }
    String[] rest = line.substring(i + 1).split(" ", -1);
    if (rest.length < 1 || rest.length > 2) {
      throw new IllegalArgumentException(where + "expected a value and an optional timestamp");
    }
    if (rest.length == 2 && !rest[1].matches("-?\\d+")) {
      throw new IllegalArgumentException(where + "bad timestamp");
    }
    return new Sample(name, Map.copyOf(labels), value(rest[0], where));
  }

  private static double value(String s, String where) {
    switch (s) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        if (!s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
          throw new IllegalArgumentException(where + "bad value " + s);
        }
        return Double.parseDouble(s);
    }
  }

  private static String unescapeHelp(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char next = s.charAt(++i);
        b.append(next == 'n' ? '\n' : next);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}

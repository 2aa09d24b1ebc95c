package dev.bulwark.cli.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** The "did you mean" of an error: the known name closest to a mistyped one, if any is close. */
final class NearestName {
  private NearestName() {}

  /**
   * The name in {@code known} fewest edits away from {@code typo} (a swap of two neighbours is
   * one edit), ignoring case and treating {@code _} and {@code -} alike; empty when none is
   * within a quarter of the name's length (at least 2 edits).
   */
  static Optional<String> among(String typo, Collection<String> known) {
    String a = fold(typo);
    int limit = Math.max(2, a.length() / 4);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(a, fold(k));
      if (d <= limit && d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /** {@code " (did you mean 'x'?)"}, or nothing. */
  static String hint(String typo, Collection<String> known) {
    return among(typo, known).map(k -> " (did you mean '" + k + "'?)").orElse("");
  }

  private static String fold(String s) {
    return s.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions, transpositions. */
  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}

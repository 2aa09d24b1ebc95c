package dev.bulwark.cli.faults;

import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts the trials of one fault campaign and prints the figure the README quotes:
 * {@code survived N/M <name> (seed S)}. A campaign fails unless every trial survived, and then
 * lists each failure with what is needed to replay it (the seed and the trial's parameters).
 */
final class Campaign {
  /** {@code BULWARK_FAULTS=full} runs the long form by hand; CI runs the short one. */
  static final boolean FULL = "full".equals(System.getenv("BULWARK_FAULTS"));

  private final String name;
  private final long seed;
  private final List<String> failures = new ArrayList<>();
  private int trials;

  Campaign(String name, long seed) {
    this.name = name;
    this.seed = seed;
  }

  /** The seed: {@code BULWARK_FAULTS_SEED} to replay a run, else random. */
  static long seed() {
    String s = System.getenv("BULWARK_FAULTS_SEED");
    return s != null ? Long.parseLong(s) : new java.security.SecureRandom().nextLong();
  }

  /** Records one trial: {@code problem} null means it survived. */
  void trial(String what, String problem) {
    trials++;
    System.out.println((problem == null ? "ok   " : "FAIL ") + what
        + (problem == null ? "" : ": " + problem));
    if (problem != null) {
      failures.add(what + ": " + problem);
    }
  }

  int trials() {
    return trials;
  }

  /** Prints the figure and fails below 100%. */
  void report() {
    String line = "survived " + (trials - failures.size()) + "/" + trials + " " + name
        + " (seed " + seed + ", BULWARK_FAULTS_SEED to replay)";
    System.out.println(line);
    if (!failures.isEmpty()) {
      fail("%s%n  %s", line, String.join("\n  ", failures));
    }
  }
}

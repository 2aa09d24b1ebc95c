package dev.bulwark.cli;

import dev.bulwark.core.stream.StartupPolicy;
import picocli.CommandLine.Option;

/**
 * The flags that let a streamed database through the start-up check on purpose, for {@code
 * bulwark replicate} and {@code bulwark run}. Flags only, never configuration: kept in a file
 * they would wave through every later start, not just the one the operator looked at.
 */
final class StartupOptions {
  @Option(names = "--accept-older-database", description = "Start a new generation from a "
      + "streamed database that is behind its stream (restored from an older copy) or at a "
      + "state the stream cannot place, instead of refusing to stream it.")
  boolean acceptOlderDatabase;

  @Option(names = "--rebind", description = "Stream a database even though its binding file "
      + "(DB.bulwark) names another repository or stream, and bind it to this one.")
  boolean rebind;

  /** The start-up policy these flags ask for. */
  StartupPolicy policy() {
    StartupPolicy p = StartupPolicy.defaults();
    if (acceptOlderDatabase) {
      p = p.acceptingOlderDatabase();
    }
    return rebind ? p.rebinding() : p;
  }
}

package dev.bulwark.core.testing.layers.peer;

/** Fixture for PackageLayersTest: a package beside {@code low}. */
public final class Peer {
  private Peer() {}

  /** A value for {@code low} to depend on. */
  public static int value() {
    return 2;
  }
}

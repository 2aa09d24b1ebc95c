package dev.bulwark.core.testing.layers.high;

/** Fixture for PackageLayersTest: used from below. */
public final class High {
  private High() {}

  /** A value for the fixture below to depend on. */
  public static int value() {
    return 1;
  }
}

package dev.bulwark.core.testing.layers.stray;

/** Fixture for PackageLayersTest: a package a stack may leave out. */
public final class Stray {
  private Stray() {}
}

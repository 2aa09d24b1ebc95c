package dev.bulwark.core.testing.layers.low;

import dev.bulwark.core.testing.layers.high.High;
import dev.bulwark.core.testing.layers.peer.Peer;

/** Fixture for PackageLayersTest: uses {@code high} and {@code peer}. */
public final class Low {
  private Low() {}

  /** Depends on both other packages. */
  public static int sum() {
    return High.value() + Peer.value();
  }
}

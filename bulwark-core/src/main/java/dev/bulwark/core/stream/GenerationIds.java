package dev.bulwark.core.stream;

import java.security.SecureRandom;
import java.time.Clock;

/**
 * New generation ids: the start time in milliseconds in the high 48 bits, 16 random bits below,
 * so that a generation folder's name sorts by when it started (within one writer's clock) and
 * two generations started in the same millisecond still differ.
 */
public final class GenerationIds {
  private static final SecureRandom RANDOM = new SecureRandom();

  private GenerationIds() {}

  /** A fresh generation id for a generation starting now by {@code clock}. */
  public static long next(Clock clock) {
    long millis = Math.max(0, clock.millis()) & 0xFFFF_FFFF_FFFFL;
    return (millis << 16) | (RANDOM.nextInt() & 0xFFFF);
  }
}

package dev.bulwark.s3.testing;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link FaultProxy} does to the requests it sees. Every rate is a probability per
 * request in {@code [0, 1]}; a request gets at most one fault, so the rates must add up to at
 * most 1. Build from {@link #NONE} with the {@code with...} methods:
 *
 * <pre>{@code
 * Faults.NONE.withErrors(0.2, 500, 503).withDrops(0.05).withStalls(0.01, Duration.ofSeconds(3))
 * }</pre>
 *
 * @param errorRate share of requests answered by the proxy itself with one of {@code
 *     errorStatuses}, never forwarded
 * @param errorStatuses statuses (400..599) to pick from, uniformly; 503 is an S3 {@code SlowDown}
 * @param dropRate share of connections closed abruptly, half of them reset before forwarding
 *     the request, half closed after the server answered: mid-body, or before the first
 *     response byte if the response has no body
 * @param stallRate share of requests held for {@code stall}, half before forwarding, half
 *     before the response goes back
 * @param stall how long a stalled request is held
 * @param refuseAll the server is "down": every live and new connection is reset at once
 */
public record Faults(double errorRate, List<Integer> errorStatuses, double dropRate,
    double stallRate, Duration stall, boolean refuseAll) {

  /** Everything passes through untouched. */
  public static final Faults NONE =
      new Faults(0, List.of(500, 503), 0, 0, Duration.ZERO, false);

  /** Validates the rates, statuses and stall. */
  public Faults {
    errorStatuses = List.copyOf(errorStatuses);
    Objects.requireNonNull(stall, "stall");
    requireRate("errorRate", errorRate);
    requireRate("dropRate", dropRate);
    requireRate("stallRate", stallRate);
    if (errorRate + dropRate + stallRate > 1.0 + 1e-9) {
      throw new IllegalArgumentException("errorRate + dropRate + stallRate must be at most 1, was "
          + (errorRate + dropRate + stallRate));
    }
    if (errorStatuses.isEmpty()) {
      throw new IllegalArgumentException("errorStatuses must not be empty");
    }
    for (int status : errorStatuses) {
      if (status < 400 || status > 599) {
        throw new IllegalArgumentException("error status must be 400..599, was " + status);
      }
    }
    if (stall.isNegative()) {
      throw new IllegalArgumentException("stall must not be negative, was " + stall);
    }
  }

  /** These faults, with {@code rate} of requests answered by one of {@code statuses}. */
  public Faults withErrors(double rate, Integer... statuses) {
    return new Faults(rate, List.of(statuses), dropRate, stallRate, stall, refuseAll);
  }

  /** These faults, with {@code rate} of connections dropped (mid-request or mid-response). */
  public Faults withDrops(double rate) {
    return new Faults(errorRate, errorStatuses, rate, stallRate, stall, refuseAll);
  }

  /** These faults, with {@code rate} of requests held for {@code stall}. */
  public Faults withStalls(double rate, Duration stall) {
    return new Faults(errorRate, errorStatuses, dropRate, rate, stall, refuseAll);
  }

  /** These faults, and the server down: every connection is reset until set back. */
  public Faults refusingAll() {
    return new Faults(errorRate, errorStatuses, dropRate, stallRate, stall, true);
  }

  /** These faults, with the server up again. */
  public Faults acceptingAll() {
    return new Faults(errorRate, errorStatuses, dropRate, stallRate, stall, false);
  }

  private static void requireRate(String name, double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException(name + " must be within [0, 1], was " + rate);
    }
  }
}

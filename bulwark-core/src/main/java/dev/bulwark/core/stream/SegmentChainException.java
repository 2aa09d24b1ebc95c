package dev.bulwark.core.stream;

import dev.bulwark.core.BulwarkException;

/**
 * Segments do not continue the history they are applied to: a position is missing (a gap) or
 * covered twice, a segment belongs to another database or generation, or it starts from
 * another database state than the one it is applied to. Nothing built from such a list is
 * right, so nothing is written.
 */
public class SegmentChainException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  public SegmentChainException(String message) {
    super(message);
  }
}

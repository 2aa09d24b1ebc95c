package dev.bulwark.core.restore;

/**
 * Where the bytes of a restore's files came from.
 *
 * @param reused bytes copied from the file already at the target, each range checked against
 *     its blob id (a delta restore)
 * @param fetched bytes read from the repository
 */
public record RestoredBytes(long reused, long fetched) {}

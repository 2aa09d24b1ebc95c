package dev.bulwark.core.restore;

/**
 * What a restore wrote.
 *
 * @param files files and symlinks restored
 */
public record RestoreResult(long files, long dirs, long bytes, double seconds) {}

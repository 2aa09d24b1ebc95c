package dev.bulwark.core.restore;

/** What a restore wrote. */
public record RestoreResult(long files, long dirs, long bytes, double seconds) {}

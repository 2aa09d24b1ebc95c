/**
 * Which snapshots to keep: restic 0.14's {@code forget} policy (last, hourly … yearly buckets,
 * within a span, by tag), applied per group of snapshots. {@link
 * dev.bulwark.core.retention.Retention} plans, {@link dev.bulwark.core.retention.Forgetter}
 * removes the snapshot files.
 */
package dev.bulwark.core.retention;

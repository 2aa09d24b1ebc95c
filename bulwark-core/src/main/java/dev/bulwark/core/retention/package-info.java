/**
 * Which snapshots to keep: restic's {@code forget} policy (last, hourly … yearly buckets,
 * within a span, by tag), applied per group of snapshots of the same database.
 */
package dev.bulwark.core.retention;

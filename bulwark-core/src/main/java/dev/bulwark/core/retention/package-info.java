/**
 * Which snapshots to keep: restic 0.14's {@code forget} policy (last, hourly … yearly buckets,
 * within a span, by tag), applied per group of snapshots. {@link
 * dev.bulwark.core.retention.Retention} plans, {@link dev.bulwark.core.retention.Forgetter}
 * removes the snapshot files.
 *
 * <p>Internal to Bulwark (see {@code docs/library.md}): used by the sibling modules, not part of
 * the library API, and may change in any release. Exported from it: {@link
 * dev.bulwark.core.retention.RetentionPolicy} with {@link dev.bulwark.core.retention.KeepWithin},
 * and {@link dev.bulwark.core.retention.ForgetPlan} with {@link
 * dev.bulwark.core.retention.ForgetGroup}, {@link dev.bulwark.core.retention.GroupKey}, {@link
 * dev.bulwark.core.retention.GroupBy} and {@link dev.bulwark.core.retention.KeptSnapshot} (values
 * the API takes and returns), and {@link dev.bulwark.core.retention.StreamRetention}, how long a
 * prune keeps every point of a stream restorable.
 */
@NullMarked
package dev.bulwark.core.retention;

import org.jspecify.annotations.NullMarked;

/**
 * Which snapshots to keep: restic 0.14's {@code forget} policy (last, hourly … yearly buckets,
 * within a span, by tag), applied per group of snapshots. {@link
 * dev.bulwark.core.retention.Retention} plans, {@link dev.bulwark.core.retention.Forgetter}
 * removes the snapshot files.
 *
 * <p>Internal to Bulwark (see {@code docs/library.md}): used by the sibling modules, not part
 * of the library API, and may change in any release. Exported from it: {@link
 * dev.bulwark.core.retention.RetentionPolicy} and {@link dev.bulwark.core.retention.ForgetPlan}
 * (values the API takes and returns).
 */
@NullMarked
package dev.bulwark.core.retention;

import org.jspecify.annotations.NullMarked;

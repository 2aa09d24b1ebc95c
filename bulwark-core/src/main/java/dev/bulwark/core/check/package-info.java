/**
 * Verifying a repository: {@link dev.bulwark.core.check.Checker} confirms that every index
 * entry, tree and snapshot reference resolves and, with read-data, that every stored byte
 * decrypts and hashes to its id; and that every stream segment authenticates and each
 * generation's segments chain from one of its snapshots without a gap.
 *
 * <p>Internal to Bulwark (see {@code docs/library.md}): used by the sibling modules, not part
 * of the library API, and may change in any release. Exported from it: {@link
 * dev.bulwark.core.check.CheckResult} with its {@link dev.bulwark.core.check.CheckResult.Streams}
 * (values the API returns).
 */
@NullMarked
package dev.bulwark.core.check;

import org.jspecify.annotations.NullMarked;

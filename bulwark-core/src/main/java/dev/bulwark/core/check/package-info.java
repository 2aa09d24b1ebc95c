/**
 * Verifying a repository: {@link dev.bulwark.core.check.Checker} confirms that every index
 * entry, tree and snapshot reference resolves and, with read-data, that every stored byte
 * decrypts and hashes to its id.
 *
 * <p>Internal to Bulwark (see {@code docs/library.md}): used by the sibling modules, not part
 * of the library API, and may change in any release. Exported from it: {@link
 * dev.bulwark.core.check.CheckResult} (a value the API returns).
 */
@NullMarked
package dev.bulwark.core.check;

import org.jspecify.annotations.NullMarked;

/**
 * restic's repository crypto: the master key that seals every stored object with AES-256-CTR
 * and Poly1305-AES, and the scrypt derivation of the user key that unlocks it from a key file.
 *
 * <p>Internal to Bulwark (see {@code docs/library.md}): used by the sibling modules, not part
 * of the library API, and may change in any release. Exported from it: {@link
 * dev.bulwark.core.crypto.Kdf.Params} (the scrypt cost a new repository is created with).
 */
@NullMarked
package dev.bulwark.core.crypto;

import org.jspecify.annotations.NullMarked;

/**
 * Pack files: encrypted blobs back to back, followed by an encrypted header that lists them.
 * {@link dev.bulwark.core.pack.PackWriter} builds one in memory; {@link
 * dev.bulwark.core.pack.PackReader} reads a header back. This package never sees a backend.
 */
package dev.bulwark.core.pack;

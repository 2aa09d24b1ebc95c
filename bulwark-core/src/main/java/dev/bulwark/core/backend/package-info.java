/**
 * Byte storage under a repository. {@link dev.bulwark.core.backend.Backend} is the one seam every
 * store implements; {@link dev.bulwark.core.backend.LocalBackend} keeps a repository in a local
 * folder, writing every file atomically.
 */
package dev.bulwark.core.backend;

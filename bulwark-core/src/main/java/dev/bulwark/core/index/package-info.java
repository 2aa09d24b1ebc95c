/**
 * The blob-to-pack map. {@link dev.bulwark.core.index.Index} answers "where is this blob?" for a
 * whole repository; {@link dev.bulwark.core.index.IndexFile} is one stored index file's JSON.
 */
package dev.bulwark.core.index;

/**
 * The shared words of Bulwark: identifiers, blob and file kinds, and the domain exceptions.
 * Every other package may use these; this package uses none of them.
 */
@NullMarked
package dev.bulwark.core;

import org.jspecify.annotations.NullMarked;

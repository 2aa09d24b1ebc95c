/**
 * Restore drills for JUnit 5: {@link dev.bulwark.junit.RestoreDrill} restores a real backup
 * into a temporary folder before a test and hands the test a connection to it, so that a team
 * checks its own invariants against what it would get back after a disaster.
 */
@NullMarked
package dev.bulwark.junit;

import org.jspecify.annotations.NullMarked;

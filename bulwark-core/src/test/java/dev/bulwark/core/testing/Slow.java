package dev.bulwark.core.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Puts a test class or method in the slow tier: {@code mvn test} (the fast loop, surefire)
 * leaves it out and {@code mvn verify} runs it (failsafe, tag {@code slow}), so every test
 * still runs exactly once in CI.
 *
 * <p>Tag a test slow when it kills processes, moves large data, drives an external oracle
 * (restic, sqlite3, a browser), runs a fault campaign, or takes more than about five seconds;
 * keep at least one fast test in each package. One slow class alone runs with
 * {@code mvn -o -pl MODULE -am verify -Dtest=none -Dit.test=ClassName
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag("slow")
public @interface Slow {}

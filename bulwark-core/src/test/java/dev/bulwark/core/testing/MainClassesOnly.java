package dev.bulwark.core.testing;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.util.regex.Pattern;

/**
 * Imports main classes only: no test-classes folder and no test-jar, which the reactor hands a
 * later module in place of a folder once the earlier module is packaged ({@code mvn verify}).
 */
public final class MainClassesOnly implements ImportOption {
  private static final Pattern TEST_JAR = Pattern.compile(".*-tests\\.jar(!/.*)?$");
  private final ImportOption folders = new DoNotIncludeTests();

  @Override
  public boolean includes(Location location) {
    return folders.includes(location) && !location.matches(TEST_JAR);
  }
}

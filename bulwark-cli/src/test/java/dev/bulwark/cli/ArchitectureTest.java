package dev.bulwark.cli;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.bulwark.core.testing.MainClassesOnly;
import dev.bulwark.core.testing.PackageLayers;

/**
 * The modules' arrows and the layers of bulwark-cli's packages, read from the bytecode of every
 * module (this module's tests see them all): the single statement of them, which the README and
 * STYLE follow. The layers inside bulwark-core are in core's {@code ArchitectureTest}.
 */
@AnalyzeClasses(packages = "dev.bulwark", importOptions = MainClassesOnly.class)
class ArchitectureTest {
  /** cli -> {sqlite, rocksdb, s3} -> core: a library user takes only the modules it needs. */
  static final PackageLayers MODULES = PackageLayers.under("dev.bulwark")
      .above("core..")
      .above("sqlite..", "rocksdb..", "s3..")
      .above("cli..");

  /**
   * The command line on top of the daemon, which the HTTP API drives through the daemon's
   * control seam; the daemon reads databases through {@code source}, everything reads
   * {@code config}.
   */
  static final PackageLayers CLI = PackageLayers.under("dev.bulwark.cli")
      .above("config")
      .above("source")
      .above("daemon")
      .above("http")
      .above("");

  @ArchTest
  static final ArchRule modulesPointOneWay = MODULES.usesOnlyLowerLayers();

  @ArchTest
  static final ArchRule cliPackagesUseOnlyLowerLayers = CLI.usesOnlyLowerLayers();

  @ArchTest
  static void everyModuleAndCliPackageHoldsAClass(JavaClasses classes) {
    MODULES.assertEveryPackageHoldsAClass(classes);
    CLI.assertEveryPackageHoldsAClass(classes);
  }
}

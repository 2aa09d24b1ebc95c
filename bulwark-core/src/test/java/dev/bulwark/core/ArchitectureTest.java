package dev.bulwark.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.bulwark.core.testing.MainClassesOnly;
import dev.bulwark.core.testing.PackageLayers;

/**
 * The layers of bulwark-core, read from the bytecode: the single statement of them, which the
 * README's package table and STYLE follow. A package uses only lower layers, never its own
 * layer or above, and a package not listed here fails. The modules' arrows and the cli's
 * packages are in bulwark-cli's {@code ArchitectureTest}.
 */
@AnalyzeClasses(packages = "dev.bulwark.core", importOptions = MainClassesOnly.class)
class ArchitectureTest {
  /** Bottom up; {@code ""} is the root package of shared words. */
  static final PackageLayers LAYERS = PackageLayers.under("dev.bulwark.core")
      .above("")
      .above("crypto", "chunk", "tree", "concurrent", "job")
      // Above tree: writing a file beside a user's file needs that name's exact bytes.
      .above("fs")
      .above("backend")
      .above("pack")
      .above("index")
      .above("repo")
      .above("backup", "retention")
      // A stream starts from a snapshot and is folded into snapshots; restore, check and prune
      // read it.
      .above("stream")
      .above("restore", "check", "prune", "copy")
      .above("api");

  @ArchTest
  static final ArchRule packagesUseOnlyLowerLayers = LAYERS.usesOnlyLowerLayers();

  /** restic's packer takes an io.Writer: a pack is bytes, wherever they go. */
  @ArchTest
  static final ArchRule packNeverSeesABackend = noClasses()
      .that().resideInAPackage("dev.bulwark.core.pack..")
      .should().dependOnClassesThat().resideInAPackage("dev.bulwark.core.backend..")
      .because("a pack is written to an OutputStream; the repository stores it");

  @ArchTest
  static void everyListedPackageHoldsAClass(JavaClasses classes) {
    LAYERS.assertEveryPackageHoldsAClass(classes);
  }
}

package dev.bulwark.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/**
 * The layer rule on fixture packages whose real edges are known ({@code low} uses {@code high}
 * and {@code peer}), so the architecture tests are known to fail on a back-edge, a same-layer
 * edge and an unlisted package, not only to pass.
 */
class PackageLayersTest {
  private static final String ROOT = "dev.bulwark.core.testing.layers";
  private static final JavaClasses FIXTURES = new ClassFileImporter().importPackages(ROOT);

  @Test
  void stackMatchingTheRealEdgesPasses() {
    PackageLayers layers =
        PackageLayers.under(ROOT).above("high", "peer").above("low").above("stray");
    assertThat(layers.usesOnlyLowerLayers().evaluate(FIXTURES).hasViolation()).isFalse();
    layers.assertEveryPackageHoldsAClass(FIXTURES);
  }

  @Test
  void backEdgeSameLayerEdgeAndUnlistedPackageAreEachNamed() {
    EvaluationResult result = PackageLayers.under(ROOT).above("low", "peer").above("high")
        .usesOnlyLowerLayers().evaluate(FIXTURES);
    assertThat(result.getFailureReport().getDetails())
        .hasSize(3)
        .anyMatch(d -> d.contains("Low.sum()") && d.endsWith(
            "low (layer 0) may use only lower layers, not high (layer 1)"))
        .anyMatch(d -> d.contains("Low.sum()") && d.endsWith(
            "low (layer 0) may use only lower layers, not peer (layer 0)"))
        .anyMatch(d -> d.equals(ROOT + ".stray.Stray is in package " + ROOT
            + ".stray, which has no layer"));
  }

  @Test
  void listedPackageWithNoClassIsNamed() {
    PackageLayers layers = PackageLayers.under(ROOT).above("high", "peer", "gone").above("low");
    assertThatThrownBy(() -> layers.assertEveryPackageHoldsAClass(FIXTURES))
        .isInstanceOf(AssertionError.class)
        .hasMessage("listed in the layers but holding no class: [" + ROOT + ".gone]");
  }

  @Test
  void packageWithSubpackagesCoversThem() {
    PackageLayers modules = PackageLayers.under("dev.bulwark.core").above("testing..");
    assertThat(modules.usesOnlyLowerLayers().evaluate(FIXTURES).hasViolation()).isFalse();
  }
}

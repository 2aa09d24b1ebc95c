package dev.bulwark.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What Maven Central asks of every published POM, read from the project's own POMs (this test
 * runs in bulwark-core, so the root is its parent folder): a module added later without a name,
 * a description or a line in the BOM fails here rather than at the first upload.
 */
class PublishedPomsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  /** The shaded application, the BOM itself, and what is not published (bench, examples). */
  private static final List<String> NOT_IN_BOM = List.of("bulwark-cli", "bulwark-bom");

  @Test
  void rootPomCarriesTheMetadataEveryModuleInherits() throws Exception {
    Element root = pom(ROOT.resolve("pom.xml"));
    assertMetadata(root);
  }

  @Test
  void bomCarriesTheMetadataItselfAndMovesWithTheParentVersion() throws Exception {
    Element root = pom(ROOT.resolve("pom.xml"));
    Element bom = pom(ROOT.resolve("bulwark-bom/pom.xml"));
    assertMetadata(bom);
    assertThat(child(bom, "parent")).as("an imported BOM must not carry the parent's pins")
        .isNull();
    assertThat(text(bom, "version")).isEqualTo(text(root, "version"));
    assertThat(text(bom, "packaging")).isEqualTo("pom");
  }

  @Test
  void everyModuleHasItsOwnNameAndDescription() throws Exception {
    for (String module : modules()) {
      Element pom = pom(ROOT.resolve(module).resolve("pom.xml"));
      assertThat(text(pom, "name")).as(module + " name").isNotBlank();
      assertThat(text(pom, "description")).as(module + " description").isNotBlank();
    }
  }

  @Test
  void bomManagesEveryPublishedLibraryModuleAtTheProjectVersion() throws Exception {
    Element bom = pom(ROOT.resolve("bulwark-bom/pom.xml"));
    List<String> managed = new ArrayList<>();
    NodeList deps = child(child(bom, "dependencyManagement"), "dependencies")
        .getElementsByTagName("dependency");
    for (int i = 0; i < deps.getLength(); i++) {
      Element dep = (Element) deps.item(i);
      assertThat(text(dep, "groupId")).isEqualTo("dev.bulwark");
      assertThat(text(dep, "version")).isEqualTo("${project.version}");
      managed.add(text(dep, "artifactId"));
    }
    List<String> published = new ArrayList<>();
    for (String module : modules()) {
      Element pom = pom(ROOT.resolve(module).resolve("pom.xml"));
      String artifactId = text(pom, "artifactId");
      if (!NOT_IN_BOM.contains(artifactId) && !module.startsWith("examples/")) {
        published.add(artifactId);
      }
    }
    assertThat(published).contains("bulwark-core", "bulwark-sqlite");
    assertThat(managed).containsExactlyInAnyOrderElementsOf(published);
  }

  private static void assertMetadata(Element pom) {
    assertThat(text(pom, "url")).startsWith("https://");
    assertThat(text(child(child(pom, "licenses"), "license"), "name")).isNotBlank();
    assertThat(text(child(child(pom, "licenses"), "license"), "url")).startsWith("https://");
    Element developer = child(child(pom, "developers"), "developer");
    assertThat(text(developer, "name")).isNotBlank();
    assertThat(text(developer, "email")).contains("@");
    Element scm = child(pom, "scm");
    assertThat(text(scm, "connection")).startsWith("scm:git:");
    assertThat(text(scm, "developerConnection")).startsWith("scm:git:");
    assertThat(text(scm, "url")).startsWith("https://");
  }

  private static List<String> modules() throws Exception {
    Element modules = child(pom(ROOT.resolve("pom.xml")), "modules");
    List<String> names = new ArrayList<>();
    NodeList list = modules.getElementsByTagName("module");
    for (int i = 0; i < list.getLength(); i++) {
      names.add(list.item(i).getTextContent().trim());
    }
    assertThat(names).contains("bulwark-bom", "bulwark-core");
    return names;
  }

  private static Element pom(Path file) throws Exception {
    assertThat(file).exists();
    try (var in = Files.newInputStream(file)) {
      Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
      return doc.getDocumentElement();
    }
  }

  /** The direct child of that name, or null (getElementsByTagName would descend). */
  private static Element child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  private static String text(Element parent, String name) {
    Element e = child(parent, name);
    assertThat(e).as("<" + name + "> in <" + parent.getTagName() + ">").isNotNull();
    return e.getTextContent().trim();
  }
}

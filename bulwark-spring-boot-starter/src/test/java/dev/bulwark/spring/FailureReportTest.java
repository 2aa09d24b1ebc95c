package dev.bulwark.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A refused start as the operator sees it: Spring Boot's failure report (the analyzer is
 * registered in META-INF/spring.factories) with Bulwark's one line and what to do.
 */
@ExtendWith(OutputCaptureExtension.class)
class FailureReportTest {
  @TempDir Path tmp;

  @SpringBootConfiguration
  @ImportAutoConfiguration(BulwarkAutoConfiguration.class)
  static class App {}

  @Test
  void aMissingRepositoryIsReportedAsDescriptionAndAction(CapturedOutput output)
      throws Exception {
    TestRepo repo = TestRepo.create(tmp);
    Path none = tmp.resolve("no-repo");
    assertThatThrownBy(() -> new SpringApplicationBuilder(App.class)
        .web(WebApplicationType.NONE)
        .run("--bulwark.repository=" + none, "--bulwark.password-file=" + repo.passwordFile(),
            "--bulwark.database.path=" + tmp.resolve("ledger.db")).close())
        .hasRootCauseInstanceOf(dev.bulwark.core.RepositoryNotFoundException.class);
    assertThat(output.getAll()).contains("APPLICATION FAILED TO START",
        "Bulwark: there is no repository at " + none,
        "Create it with `bulwark init --repo " + none + "`");
  }
}

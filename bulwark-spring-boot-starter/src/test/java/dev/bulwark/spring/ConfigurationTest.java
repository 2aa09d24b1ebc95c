package dev.bulwark.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * How the properties are taken: the starter stays out of an application without {@code
 * bulwark.repository}; a password from a command opens the repository; a missing or wrong
 * setting stops the start with one line naming it, never with the password.
 */
class ConfigurationTest {
  @TempDir Path tmp;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(BulwarkAutoConfiguration.class,
          BulwarkActuatorAutoConfiguration.class));

  @Test
  void withoutARepositoryTheStarterDoesNothing() {
    runner.withPropertyValues("bulwark.database.path=" + tmp.resolve("x.db")).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean(RestoreGate.class)
          .doesNotHaveBean(BulwarkHealthIndicator.class);
    });
  }

  @Test
  void aPasswordCommandOpensTheRepository() throws Exception {
    TestRepo repo = TestRepo.create(tmp);
    Path db = TestRepo.ledger(tmp.resolve("ledger.db"), 1);
    runner.withPropertyValues("bulwark.repository=" + repo.folder(),
        "bulwark.password-command=printf '  test password\\n'",
        "bulwark.database.path=" + db, "bulwark.stream.enabled=false").run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(RestoreGate.class).passed()).isTrue();
        });
  }

  @Test
  void withoutActuatorTheGateStreamAndJobsStillRun() throws Exception {
    TestRepo repo = TestRepo.create(tmp);
    Path db = TestRepo.ledger(tmp.resolve("ledger.db"), 1);
    runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate",
        "io.micrometer")).withPropertyValues(repo.properties(db)).run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).hasSingleBean(RestoreGate.class).hasSingleBean(BulwarkJobs.class)
              .doesNotHaveBean(BulwarkHealthIndicator.class)
              .doesNotHaveBean(BulwarkEndpoint.class);
          assertThat(context.getBean(BulwarkStream.class).streaming()).isTrue();
        });
  }

  @Test
  void eachWrongSettingStopsTheStartWithOneLineNamingIt() throws Exception {
    TestRepo repo = TestRepo.create(tmp);
    Path db = tmp.resolve("ledger.db");
    refused(runner.withPropertyValues("bulwark.repository=" + repo.folder(),
        "bulwark.password-file=" + repo.passwordFile()), "bulwark.database.path is not set");
    refused(runner.withPropertyValues(repo.properties(db, "bulwark.password-file=" + tmp
        .resolve("nope"))), "bulwark.password-file " + tmp.resolve("nope") + " does not exist");
    refused(runner.withPropertyValues(repo.properties(db,
        "bulwark.password-command=echo x")), "both bulwark.password-file and");
    refused(runner.withPropertyValues(repo.properties(db, "bulwark.schedule.every=0s")),
        "bulwark.schedule.every: 0s is not a positive duration");
    refused(runner.withPropertyValues(repo.properties(db, "bulwark.retention.keep-within=7x")),
        "bulwark.retention: '7x' is not a span");
    refused(runner.withPropertyValues("bulwark.repository=" + tmp.resolve("none"),
        "bulwark.password-file=" + repo.passwordFile(), "bulwark.database.path=" + db),
        "there is no repository at " + tmp.resolve("none"));
    refused(runner.withPropertyValues("bulwark.repository=" + repo.folder(),
        "bulwark.password-command=echo wrong", "bulwark.database.path=" + db),
        "the password from bulwark.password-command opens no key of repository");
    refused(runner.withPropertyValues("bulwark.repository=" + repo.folder(),
        "bulwark.password-command=exit 3", "bulwark.database.path=" + db),
        "bulwark.password-command exited with code 3");
  }

  private static void refused(ApplicationContextRunner r, String line) {
    r.run(context -> {
      assertThat(context).hasFailed();
      FailureAnalysis a = new BulwarkFailureAnalyzer().analyze(context.getStartupFailure());
      assertThat(a).as("a Bulwark failure analysis for: %s", line).isNotNull();
      assertThat(a.getDescription()).contains(line).doesNotContain("\n")
          .doesNotContain("test password");
      assertThat(a.getAction()).isNotBlank();
    });
  }
}

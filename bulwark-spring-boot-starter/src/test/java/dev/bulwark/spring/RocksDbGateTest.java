package dev.bulwark.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.rocksdb.RocksDbDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The gate for an application that keeps its state in RocksDB: its {@code RocksDB} bean is
 * opened only after the missing folder is restored, and a backup while it is open goes
 * through a checkpoint of that handle.
 */
class RocksDbGateTest {
  @TempDir Path tmp;
  static final List<String> EVENTS = new CopyOnWriteArrayList<>();

  @Configuration(proxyBeanMethods = false)
  static class App {
    @Bean(destroyMethod = "close")
    RocksDB rocks(ObjectProvider<BulwarkProperties> props) throws Exception {
      Path dir = props.getObject().getDatabase().getPath();
      EVENTS.add("rocksdb opened; folder " + (Files.isDirectory(dir) ? "present" : "missing"));
      RocksDB.loadLibrary();
      return RocksDB.open(new Options().setCreateIfMissing(true), dir.toString());
    }
  }

  @Test
  void theRocksDbBeanOpensTheRestoredFolderAndBackupsUseItsHandle() throws Exception {
    TestRepo repo = TestRepo.create(tmp);
    Path dir = tmp.resolve("index");
    RocksDB.loadLibrary();
    try (Options o = new Options().setCreateIfMissing(true);
        RocksDB db = RocksDB.open(o, dir.toString())) {
      for (int i = 0; i < 100; i++) {
        db.put(("k" + i).getBytes(StandardCharsets.UTF_8),
            ("v" + i).getBytes(StandardCharsets.UTF_8));
      }
    }
    try (BulwarkRepository r = repo.open()) {
      r.backup(RocksDbDatabase.at(dir));
    }
    dev.bulwark.core.fs.FileTrees.deleteRecursively(dir);
    EVENTS.clear();

    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(BulwarkAutoConfiguration.class,
            BulwarkActuatorAutoConfiguration.class))
        .withUserConfiguration(App.class)
        .withPropertyValues(repo.properties(dir, "bulwark.database.kind=rocksdb",
            "management.endpoints.web.exposure.include=bulwark"))
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(EVENTS).containsExactly("rocksdb opened; folder present");
          RocksDB db = context.getBean(RocksDB.class);
          assertThat(new String(db.get("k42".getBytes(StandardCharsets.UTF_8)),
              StandardCharsets.UTF_8)).isEqualTo("v42");
          db.put("new".getBytes(StandardCharsets.UTF_8), "1".getBytes(StandardCharsets.UTF_8));
          var backup = context.getBean(BulwarkEndpoint.class).run("backup");
          assertThat(backup.getStatus()).isEqualTo(200);
          assertThat(backup.getBody().snapshot().tags()).contains("bulwark:capture=checkpoint");
        });
  }
}

package dev.bulwark.examples.ledger;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small ledger on SQLite. Nothing in it knows about backups: bulwark-spring-boot-starter and
 * the {@code bulwark.*} properties in application.yml restore its database when it is missing,
 * stream every committed entry to the repository, and take, thin and verify snapshots.
 */
@SpringBootApplication
public class LedgerApplication {
  public static void main(String[] args) {
    SpringApplication.run(LedgerApplication.class, args);
  }
}

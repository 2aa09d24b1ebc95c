package dev.bulwark.core.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.Handle;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.testing.FaultyBackend;
import dev.bulwark.core.testing.FaultyBackend.Op;
import dev.bulwark.core.testing.TestRepositories;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checker on a real repository whose backend fails, truncates or damages reads: every
 * problem is reported with what it concerns and the check goes on; a failure to list what is
 * there ends it with that error.
 */
class CheckerFaultTest {
  /** Built once: two snapshots, three data packs and a tree pack; each test damages a copy. */
  @TempDir static Path template;
  @TempDir Path dir;
  private FaultyBackend backend;
  private Repository repo;
  private List<Id> packs;
  /** How many pack loads a check makes before it reads whole packs: the trees' blobs. */
  private int treeLoads;

  @BeforeAll
  static void twoSnapshotsInSeveralPacks() throws Exception {
    try (Repository r = TestRepositories.init(LocalBackend.open(template.resolve("repo")))) {
      TestRepositories.randomFile(template.resolve("src/a.bin"), 3 << 20, 1);
      TestRepositories.backup(r, template.resolve("src"));
      TestRepositories.randomFile(template.resolve("src2/b.bin"), 1000, 2);
      TestRepositories.backup(r, template.resolve("src2"));
    }
  }

  @BeforeEach
  void openACopy() throws Exception {
    TestRepositories.copyTree(template.resolve("repo"), dir.resolve("repo"));
    backend = new FaultyBackend(LocalBackend.open(dir.resolve("repo")));
    repo = TestRepositories.open(backend);
    packs = repo.list(FileType.PACK);
    assertThat(packs).hasSizeGreaterThanOrEqualTo(4);
    int before = backend.calls(Op.LOAD, FileType.PACK);
    assertThat(check(false).ok()).isTrue();
    treeLoads = backend.calls(Op.LOAD, FileType.PACK) - before;
  }

  @AfterEach
  void close() throws IOException {
    repo.close();
  }

  private CheckResult check(boolean readData) throws IOException, BulwarkException {
    return new Checker(repo, 2, new Progress()).check(readData);
  }

  @Test
  void aDamagedPackReadIsReportedAndTheOtherPacksAreStillRead() throws Exception {
    backend.on(Op.LOAD).type(FileType.PACK).nth(treeLoads + 1).corrupt();
    CheckResult r = check(true);
    assertThat(r.ok()).isFalse();
    assertThat(r.packsRead()).isEqualTo(packs.size());
    assertThat(r.errors()).anySatisfy(e -> assertThat(e)
        .contains("content does not match its id (damaged)"));
    String damaged = r.errors().get(0).substring(0, "pack ".length() + 64);
    assertThat(r.errors()).allSatisfy(e -> assertThat(e).startsWith(damaged));
  }

  @Test
  void aPackThatCannotBeReadIsNamedAndTheCheckGoesOn() throws Exception {
    backend.on(Op.LOAD).type(FileType.PACK).nth(treeLoads + 2).fail();
    CheckResult r = check(true);
    assertThat(r.errors()).singleElement().asString().matches("pack [0-9a-f]{64}: cannot read: "
        + "injected failure: load data/.*");
    assertThat(r.packsRead()).isEqualTo(packs.size());
  }

  @Test
  void aTruncatedPackReadIsReportedBlobByBlob() throws Exception {
    backend.on(Op.LOAD).type(FileType.PACK).from(treeLoads + 1).truncate(100_000);
    CheckResult r = check(true);
    assertThat(r.errors()).filteredOn(e -> e.contains("content does not match its id"))
        .hasSize(packs.size());
    assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("lies beyond the end"));
  }

  @Test
  void aTreeThatCannotBeLoadedIsReportedAndTheOtherSnapshotIsChecked() throws Exception {
    // Without reading data, the only pack reads are the trees' blobs.
    backend.on(Op.LOAD).type(FileType.PACK).nth(1).fail();
    CheckResult r = check(false);
    assertThat(r.snapshots()).isEqualTo(2);
    assertThat(r.errors()).singleElement().asString()
        .matches("snapshot [0-9a-f]{8}: tree [0-9a-f]{8}: injected failure: load data/.*");
    assertThat(r.trees()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aBackendAnsweringShortIsReportedAsATruncatedPackNotACrash() throws Exception {
    // A backend that breaks its contract: one byte less than asked, and no error.
    backend.on(Op.LOAD).type(FileType.PACK).nth(1).shortRead();
    CheckResult r = check(false);
    assertThat(r.snapshots()).isEqualTo(2);
    assertThat(r.errors()).singleElement().asString()
        .matches("snapshot [0-9a-f]{8}: tree [0-9a-f]{8}: .*truncated.*");
  }

  @Test
  void aSnapshotThatCannotBeReadIsReportedAndTheOtherIsChecked() throws Exception {
    backend.on(Op.LOAD).type(FileType.SNAPSHOT).nth(1).fail();
    CheckResult r = check(false);
    assertThat(r.snapshots()).isEqualTo(2);
    assertThat(r.errors()).singleElement().asString()
        .matches("snapshots/[0-9a-f]{64}: cannot read: injected failure: .*");
    assertThat(r.trees()).as("the other snapshot's trees were walked").isPositive();
  }

  @Test
  void aDamagedSnapshotOrIndexFileIsReportedAndTheRestChecked() throws Exception {
    backend.on(Op.LOAD).type(FileType.SNAPSHOT).nth(1).corrupt();
    backend.on(Op.LOAD).type(FileType.INDEX).nth(1).corrupt();
    CheckResult r = check(false);
    assertThat(r.snapshots()).isEqualTo(2);
    assertThat(r.errors()).anySatisfy(e -> assertThat(e).startsWith("index ")
        .contains("does not match its name"));
    assertThat(r.errors()).anySatisfy(e -> assertThat(e).startsWith("snapshots/")
        .contains("does not match its name"));
  }

  @Test
  void aMissingPackIsReportedAndTheOthersAreStillRead() throws Exception {
    Id gone = packs.get(0);
    backend.inner().delete(Handle.of(FileType.PACK, gone));
    CheckResult r = check(true);
    assertThat(r.errors()).contains("pack " + gone + " is listed in the index but missing");
    assertThat(r.packsRead()).isEqualTo(packs.size() - 1);
  }

  @Test
  void aListingThatFailsEndsTheCheckWithThatError() {
    backend.on(Op.LIST).type(FileType.PACK).nth(1).failTransient();
    assertThatThrownBy(() -> check(false)).isInstanceOf(IOException.class)
        .hasMessageContaining("list data");
  }
}

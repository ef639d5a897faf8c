package io.vpush.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The server's package rules: no cycles between packages, and the role packages do not reach into the composition root. */
class ArchitectureTest {

  private static JavaClasses server;

  @BeforeAll
  static void importServer() {
    server = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.vpush");
  }

  @Test
  void noPackageCycles() {
    // Every package is a slice (io.vpush.store and io.vpush.store.redis are two): a cycle between any two fails.
    slices().matching("io.vpush.(**)").should().beFreeOfCycles().check(server);
  }

  @Test
  void onlyTheAdapterUsesVertxInternalApi() {
    noClasses().that().doNotHaveFullyQualifiedName("io.vpush.vertx.VertxInternals")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx.core.internal..", "io.vertx.core.net.impl..", "io.vertx.core.impl..")
        .check(server);
  }

  @Test
  void onlyTheCompositionRootSeesEveryRole() {
    noClasses().that().resideOutsideOfPackages("io.vpush", "io.vpush.node")
        .should().dependOnClassesThat().resideInAnyPackage("io.vpush", "io.vpush.node")
        .check(server);
  }
}

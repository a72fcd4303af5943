package media.edge.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package structure the serving core was rebuilt around (issue 11): packages by feature, no cycle
 * between them, the two modes' responders ({@code origin}, {@code edge}) unaware of each other, the front
 * end ({@code http}) unaware of either mode, the memory tier shared by both without a type of either,
 * and HTTP dates in a leaf. Main code only: tests may reach across.
 */
@AnalyzeClasses(packages = "media.edge", importOptions = ImportOption.DoNotIncludeTests.class)
class PackagesTest {

  @ArchTest
  static final ArchRule noCycles = slices().matching("media.edge.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule frontEndKnowsNoMode =
      noClasses().that().resideInAPackage("media.edge.http..")
          .should().dependOnClassesThat().resideInAnyPackage("media.edge.origin..", "media.edge.edge..", "media.edge.server..");

  @ArchTest
  static final ArchRule originKnowsNoEdge =
      noClasses().that().resideInAPackage("media.edge.origin..")
          .should().dependOnClassesThat().resideInAnyPackage("media.edge.edge..", "media.edge.upstream..", "media.edge.disk..");

  @ArchTest
  static final ArchRule edgeKnowsNoOrigin =
      noClasses().that().resideInAPackage("media.edge.edge..")
          .should().dependOnClassesThat().resideInAPackage("media.edge.origin..");

  @ArchTest
  static final ArchRule memoryTierIsShared =
      noClasses().that().resideInAPackage("media.edge.memory..")
          .should().dependOnClassesThat().resideInAnyPackage(
              "media.edge.origin..", "media.edge.edge..", "media.edge.http..", "media.edge.server..");

  @ArchTest
  static final ArchRule httpDatesAreALeaf =
      noClasses().that().resideInAPackage("media.edge.httpdate..")
          .should().dependOnClassesThat(
              resideInAPackage("media.edge..").and(DescribedPredicate.not(resideInAPackage("media.edge.httpdate.."))))
          .because("HTTP dates are formatted and parsed by every layer");
}

package io.massivesse;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.ENUMS;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.INTERFACES;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.RECORDS;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shape of the code: the event model at the bottom, then the hub, presence, the relay, the web layer,
 * and security, operations and the CDI wiring on top. Dependencies run downwards only.
 */
class ArchitectureTest {

    private static final String APP = "io.massivesse";

    /**
     * Each layer may be used only by the layers named above it. The relay's interfaces sit below presence, which
     * sends through them; their broker implementation sits above, where it hands what arrives to the interfaces
     * the hub and presence implement.
     */
    static final ArchRule LAYERS = layeredArchitecture().consideringOnlyDependenciesInAnyPackage(APP + "..")
            .layer("event").definedBy(APP + ".event..")
            .layer("hub").definedBy(APP + ".hub..")
            .layer("relay").definedBy(APP + ".relay")
            .layer("presence").definedBy(APP + ".presence..")
            .layer("broker").definedBy(APP + ".relay.jms..")
            .layer("web").definedBy(APP + ".push..")
            .layer("security").definedBy(APP + ".security..")
            .layer("operations").definedBy(APP + ".ops..", APP + ".health..")
            .layer("wiring").definedBy(APP + ".wiring..")
            .whereLayer("event").mayOnlyBeAccessedByLayers("hub", "relay", "presence", "broker", "web", "security", "operations", "wiring")
            .whereLayer("hub").mayOnlyBeAccessedByLayers("relay", "presence", "broker", "web", "operations", "wiring")
            .whereLayer("relay").mayOnlyBeAccessedByLayers("presence", "broker", "web", "operations", "wiring")
            .whereLayer("presence").mayOnlyBeAccessedByLayers("broker", "web", "operations", "wiring")
            .whereLayer("broker").mayOnlyBeAccessedByLayers("operations", "wiring")
            .whereLayer("web").mayOnlyBeAccessedByLayers("security", "operations", "wiring")
            .whereLayer("security").mayOnlyBeAccessedByLayers("wiring")
            .whereLayer("operations").mayNotBeAccessedByAnyLayer()
            .whereLayer("wiring").mayNotBeAccessedByAnyLayer();

    /**
     * The broker's side reaches the hub and presence only through what they hand in and take out: the interfaces
     * they implement and the values those carry, never a class that holds state.
     */
    static final ArchRule BROKER_USES_ONLY_INBOUND_INTERFACES = noClasses().that().resideInAPackage(APP + ".relay.jms..")
            .should().dependOnClassesThat(resideInAnyPackage(APP + ".hub..", APP + ".presence..")
                    .and(not(INTERFACES)).and(not(RECORDS)).and(not(ENUMS)))
            .because("the broker's listener only decodes and hands on, to interfaces the core implements");

    /** No two packages use each other, however indirectly (relay.jms counts as its own package). */
    static final ArchRule NO_CYCLES = slices().matching(APP + ".(**)").should().beFreeOfCycles();

    private static JavaClasses application() {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(APP);
    }

    @Test
    void dependenciesRunDownwardsOnly() {
        LAYERS.check(application());
    }

    @Test
    void theBrokerSideHandsOnThroughInterfacesOnly() {
        BROKER_USES_ONLY_INBOUND_INTERFACES.check(application());
        // The rule catches what it is there for: the broker side's test classes include one that takes the Hub.
        JavaClasses withViolation = new ClassFileImporter().importPackages(APP + ".relay.jms", APP + ".hub");
        assertThat(BROKER_USES_ONLY_INBOUND_INTERFACES.evaluate(withViolation).getFailureReport().getDetails())
                .anyMatch(line -> line.contains(APP + ".relay.jms.HubReach"));
    }

    @Test
    void noPackageCycles() {
        NO_CYCLES.check(application());
    }

    @Test
    void theEventModelDependsOnNothingElseOfTheApplication() {
        JavaClasses classes = application();
        assertThat(classes.getPackage(APP + ".event").getClassDependenciesFromThisPackageTree())
                .allSatisfy(dependency -> assertThat(dependency.getTargetClass().getPackageName())
                        .satisfiesAnyOf(name -> assertThat(name).doesNotStartWith(APP),
                                name -> assertThat(name).startsWith(APP + ".event")));
    }

    /** The rules catch what they are there for: an upward import in a test-only class is a violation. */
    @Test
    void anUpwardImportBreaksTheRules() {
        // The hub's test classes include one that imports the web layer.
        JavaClasses withViolation = new ClassFileImporter().importPackages(APP + ".event", APP + ".hub", APP + ".push");
        assertThat(LAYERS.evaluate(withViolation).hasViolation()).isTrue();
        assertThat(LAYERS.evaluate(withViolation).getFailureReport().getDetails())
                .anyMatch(line -> line.contains(APP + ".hub.UpwardImport"));
    }
}

package io.massivesse;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shape of the code: the event model at the bottom, then the hub, presence, the relay, the web layer,
 * and security, operations and the CDI wiring on top. Dependencies run downwards only.
 */
class ArchitectureTest {

    private static final String APP = "io.massivesse";

    /** Each layer may be used only by the layers named above it. */
    static final ArchRule LAYERS = layeredArchitecture().consideringOnlyDependenciesInAnyPackage(APP + "..")
            .layer("event").definedBy(APP + ".event..")
            .layer("hub").definedBy(APP + ".hub..")
            .layer("presence").definedBy(APP + ".presence..")
            .layer("relay").definedBy(APP + ".relay..")
            .layer("web").definedBy(APP + ".push..")
            .layer("security").definedBy(APP + ".security..")
            .layer("operations").definedBy(APP + ".ops..", APP + ".health..")
            .layer("wiring").definedBy(APP + ".wiring..")
            .whereLayer("event").mayOnlyBeAccessedByLayers("hub", "presence", "relay", "web", "security", "operations", "wiring")
            .whereLayer("hub").mayOnlyBeAccessedByLayers("presence", "relay", "web", "operations", "wiring")
            .whereLayer("presence").mayOnlyBeAccessedByLayers("relay", "web", "operations", "wiring")
            .whereLayer("relay").mayOnlyBeAccessedByLayers("web", "operations", "wiring")
            .whereLayer("web").mayOnlyBeAccessedByLayers("security", "operations", "wiring")
            .whereLayer("security").mayOnlyBeAccessedByLayers("wiring")
            .whereLayer("operations").mayNotBeAccessedByAnyLayer()
            .whereLayer("wiring").mayNotBeAccessedByAnyLayer();

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

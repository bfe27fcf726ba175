package io.massivesse;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import io.massivesse.hub.EventStream;
import io.massivesse.hub.Hub;
import io.massivesse.hub.HubHistory;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.ENUMS;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.INTERFACES;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.RECORDS;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
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

    /**
     * What runs inside a fan-out: the hub's per-connection classes, and a stream's {@code writeNow}. A fan-out holds
     * the dispatch lock and waits for the pool threads these run on, so none of them may wait for a lock or another
     * thread, or call back into the hub (docs/DESIGN.md, "Locks").
     */
    static final DescribedPredicate<JavaClass> IN_FAN_OUT = DescribedPredicate.describe("run inside a fan-out",
            type -> List.of("Subscriber", "Connections", "TopicIndex", "FanOut", "History", "RecentIds").stream()
                    .anyMatch(name -> type.getName().equals(APP + ".hub." + name)));

    /** Calls that wait for a lock or for another thread. */
    static final DescribedPredicate<JavaMethodCall> WAITS = DescribedPredicate.describe("wait for a lock or another thread",
            call -> {
                JavaClass owner = call.getTargetOwner();
                String name = call.getName();
                return owner.isAssignableTo(Lock.class) && name.startsWith("lock")
                        || owner.isAssignableTo(Condition.class) && name.startsWith("await")
                        || owner.isAssignableTo(CountDownLatch.class) && name.equals("await")
                        || owner.isAssignableTo(Semaphore.class) && name.startsWith("acquire")
                        || owner.isAssignableTo(BlockingQueue.class) && (name.equals("put") || name.equals("take"))
                        || owner.isAssignableTo(Future.class) && (name.equals("get") || name.equals("join"))
                        || owner.isAssignableTo(Thread.class) && name.equals("join")
                        || owner.isAssignableTo(LockSupport.class) && name.startsWith("park")
                        || owner.isEquivalentTo(Object.class) && name.equals("wait");
            });

    static final ArchRule FAN_OUT_NEVER_WAITS = noClasses().that(IN_FAN_OUT).should().callMethodWhere(WAITS)
            .orShould().dependOnClassesThat().belongToAnyOf(Hub.class, HubHistory.class)
            .because("a fan-out holds the dispatch lock while it waits for the threads these run on");

    /** A stream's write without blocking runs inside the fan-out too (its other methods run on its writer thread). */
    static final ArchRule WRITE_NOW_NEVER_WAITS = methods().that().haveName("writeNow").and().areDeclaredInClassesThat()
            .areAssignableTo(EventStream.class).should(new ArchCondition<JavaMethod>("not " + WAITS.getDescription()) {
                @Override
                public void check(JavaMethod method, ConditionEvents events) {
                    method.getMethodCallsFromSelf().stream().filter(WAITS)
                            .forEach(call -> events.add(SimpleConditionEvent.violated(call, call.getDescription())));
                }
            });

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

    @Test
    void nothingInAFanOutWaitsOrCallsBackIntoTheHub() {
        FAN_OUT_NEVER_WAITS.check(application());
        WRITE_NOW_NEVER_WAITS.check(application());
        // The rule catches what it is there for: the hub's test stream can hold a write on a latch.
        JavaClasses withViolation = new ClassFileImporter().importPackages(APP + ".hub");
        assertThat(WRITE_NOW_NEVER_WAITS.evaluate(withViolation).getFailureReport().getDetails())
                .anyMatch(line -> line.contains(APP + ".hub.RecordingStream") && line.contains("CountDownLatch.await"));
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

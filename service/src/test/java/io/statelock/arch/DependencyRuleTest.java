package io.statelock.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of docs/design.md#layout, enforced so they cannot erode quietly. The onion:
 * the domain ({@code lock}, {@code state}, {@code audit}, {@code security}, each with its ports) depends on
 * nothing outside {@code java.*}; adapters depend on the domain; only the composition root ({@code boot})
 * sees everything.
 */
class DependencyRuleTest {
    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // The test kit (statelock-testkit, package io.statelock.testing) is on the test classpath, not the service.
            .withImportOption(location -> !location.contains("/io/statelock/testing/"))
            .importPackages("io.statelock");

    static final String[] DOMAIN = {
        "io.statelock.common..",
        "io.statelock.lock..",
        "io.statelock.state..",
        "io.statelock.audit..",
        "io.statelock.security.."
    };

    @Test
    void theRulesSeeTheCode() {
        // An empty import would make every rule below pass vacuously.
        assertThat(CLASSES.containPackage("io.statelock.lock")).isTrue();
        assertThat(CLASSES.containPackage("io.statelock.lock.port")).isTrue();
        assertThat(CLASSES.containPackage("io.statelock.common")).isTrue();
        assertThat(CLASSES.containPackage("io.statelock.lock.wait")).isTrue();
        assertThat(CLASSES.containPackage("io.statelock.lock.watch")).isTrue();
        assertThat(CLASSES.containPackage("io.statelock.adapter.dynamodb")).isTrue();
        assertThat(CLASSES.containPackage("io.statelock.boot")).isTrue();
        assertThat(CLASSES.contain(io.statelock.lock.LockCoordinator.class)).isTrue();
    }

    @Test
    void domainDependsOnlyOnJavaAndItsOwnPorts() {
        classes()
                .that()
                .resideInAnyPackage(DOMAIN)
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(concat(DOMAIN, "java.."))
                .check(CLASSES);
    }

    @Test
    void theOnion() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("domain")
                .definedBy(DOMAIN)
                .layer("adapters")
                .definedBy("io.statelock.adapter..")
                .layer("boot")
                .definedBy("io.statelock.boot..")
                .whereLayer("boot")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("adapters")
                .mayOnlyBeAccessedByLayers("boot")
                .whereLayer("domain")
                .mayOnlyBeAccessedByLayers("adapters", "boot")
                .check(CLASSES);
    }

    @Test
    void everyClassLivesInALayer() {
        // A new top-level package would escape every rule above.
        classes()
                .should()
                .resideInAnyPackage(
                        concat(DOMAIN, "io.statelock.adapter..", "io.statelock.boot..", "io.statelock.proto.."))
                .check(CLASSES);
    }

    @Test
    void theSharedKernelStandsAlone() {
        // The errors and key types every domain part shares: they depend on nothing of the domain, so lock, state,
        // audit and security can all use them without reaching into each other.
        classes()
                .that()
                .resideInAPackage("io.statelock.common..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("io.statelock.common..", "java..")
                .check(CLASSES);
    }

    @Test
    void waitingServesOnlyTheLockUseCases() {
        // The wait queues are how LockCoordinator waits: nothing else may reach into them.
        classes()
                .that()
                .resideInAPackage("io.statelock.lock.wait..")
                .should()
                .onlyBeAccessed()
                .byClassesThat()
                .resideInAnyPackage("io.statelock.lock", "io.statelock.lock.wait..")
                .check(CLASSES);
    }

    @Test
    void watchingIsOnTopOfTheLockDomain() {
        // Watching reads the lock table and follows lock events; the lock use cases never depend on who watches.
        noClasses()
                .that()
                .resideInAnyPackage("io.statelock.lock", "io.statelock.lock.port..", "io.statelock.lock.wait..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.statelock.lock.watch..")
                .check(CLASSES);
    }

    @Test
    void lockSubPackagesAreFreeOfCycles() {
        slices().matching("io.statelock.lock.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void topLevelPackagesAreFreeOfCycles() {
        slices().matching("io.statelock.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void adaptersAreFreeOfCycles() {
        slices().matching("io.statelock.adapter.(*)..")
                .should()
                .beFreeOfCycles()
                .check(CLASSES);
    }

    @Test
    void domainErrorsShareOneBase() {
        // The edges answer each StatelockException.Kind in one switch; an exception of another type would escape it.
        classes()
                .that()
                .resideInAnyPackage(DOMAIN)
                .and()
                .areAssignableTo(RuntimeException.class)
                .should()
                .beAssignableTo(io.statelock.common.StatelockException.class)
                .check(CLASSES);
    }

    @Test
    void awsTypesStayInTheirAdaptersAndTheWiring() {
        noClasses()
                .that()
                .resideOutsideOfPackages(
                        "io.statelock.adapter.dynamodb..",
                        "io.statelock.adapter.blob.s3..",
                        "io.statelock.adapter.terraforms3..",
                        "io.statelock.boot..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("software.amazon..")
                .check(CLASSES);
    }

    @Test
    void metricsStayInTheMetricsAdapterAndTheWiring() {
        // Store calls are counted by a decorator of the LockTable port, lock figures by subscribing to
        // LockEvents: the domain and the store adapters never see Micrometer.
        noClasses()
                .that()
                .resideOutsideOfPackages("io.statelock.adapter.metrics..", "io.statelock.boot..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.micrometer..")
                .check(CLASSES);
    }

    @Test
    void grpcTypesStayInTheGrpcAdapter() {
        noClasses()
                .that()
                .resideOutsideOfPackages(
                        "io.statelock.adapter.grpc..",
                        "io.statelock.adapter.metrics..",
                        "io.statelock.boot..",
                        "io.statelock.proto..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.grpc..", "io.statelock.proto..")
                .check(CLASSES);
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}

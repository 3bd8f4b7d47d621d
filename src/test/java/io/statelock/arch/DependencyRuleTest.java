package io.statelock.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The dependency rule of DESIGN.md, enforced so it cannot erode quietly. */
class DependencyRuleTest {
    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.statelock");

    @Test
    void theRulesSeeTheCode() {
        // An empty import would make every rule below pass vacuously.
        assertThat(CLASSES.containPackage("io.statelock.lock")).isTrue();
        assertThat(CLASSES.containPackage("io.statelock.store.dynamodb")).isTrue();
        assertThat(CLASSES.contain(io.statelock.lock.LockCoordinator.class)).isTrue();
    }

    @Test
    void domainDependsOnlyOnJavaAndItsPorts() {
        classes().that().resideInAnyPackage("io.statelock.lock..", "io.statelock.state..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "io.statelock.lock..", "io.statelock.state..", "io.statelock.store")
                .check(CLASSES);
    }

    @Test
    void portsDoNotDependOnAdapters() {
        classes().that().resideInAPackage("io.statelock.store")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "io.statelock.lock..", "io.statelock.state..", "io.statelock.store")
                .check(CLASSES);
    }

    @Test
    void awsTypesStayInTheDynamoDbAdapterAndItsWiring() {
        noClasses().that().resideOutsideOfPackages("io.statelock.store.dynamodb..", "io.statelock.store.s3..",
                        "io.statelock.config..")
                .should().dependOnClassesThat().resideInAPackage("software.amazon..")
                .check(CLASSES);
    }

    @Test
    void metricsStayOutOfTheDomainAndTheStores() {
        // Store calls are counted by a decorator of the LockTable port (io.statelock.metrics), lock
        // figures by subscribing to LockEvents: the domain and its adapters never see Micrometer.
        noClasses().that().resideInAnyPackage("io.statelock.lock..", "io.statelock.state..", "io.statelock.store..")
                .should().dependOnClassesThat().resideInAPackage("io.micrometer..")
                .check(CLASSES);
        noClasses().that().resideOutsideOfPackages("io.statelock.metrics..", "io.statelock.config..")
                .should().dependOnClassesThat().resideInAPackage("io.micrometer..")
                .check(CLASSES);
    }

    @Test
    void grpcTypesStayInTheApi() {
        noClasses().that().resideInAnyPackage("io.statelock.lock..", "io.statelock.state..", "io.statelock.store..")
                .should().dependOnClassesThat().resideInAnyPackage("io.grpc..", "io.statelock.proto..", "com.google.protobuf..")
                .check(CLASSES);
    }
}

package io.statelock.it;

import io.statelock.client.StatelockClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One packaged service (embedded store, plaintext loopback) and one client for a whole test class.
 * Test classes run one after the other in this build, so the shared fields belong to one class at a time.
 */
abstract class PackagedServiceFixture {
    static StatelockService service;
    static StatelockClient client;

    @BeforeAll
    static void start() throws Exception {
        service = StatelockService.start();
        client = service.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
            client = null;
        }
        if (service != null) {
            service.close();
            service = null;
        }
    }
}

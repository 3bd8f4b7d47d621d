package io.statelock.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.statelock.proto.v1.AcquireResponse;
import io.statelock.testing.Browser;
import io.statelock.testing.TerraformStates;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * The dashboard in Debian's Chromium against the packaged service on its embedded store, authentication off on
 * loopback: locks taken and released over gRPC show up on the open page without a reload.
 */
class DashboardIT {
    @TempDir
    static Path dir;

    static PackagedService service;

    @BeforeAll
    static void start() throws Exception {
        service = PackagedService.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) service.close();
    }

    @Test
    void aLockTakenOverGrpcAppearsWithinASecondAndGoesOnRelease() {
        String key = "ui/live/network.tfstate";
        try (Browser browser = Browser.start(dir.resolve("live"), 1280)) {
            open(browser);
            AcquireResponse lease = acquire(key, 60, "apply", "ci-runner-7");
            // The row appears without a reload: the page follows the service's events.
            browser.await(java.time.Duration.ofSeconds(1), d -> "held".equals(cell(d, key, 1)));
            assertThat(cell(browser.driver(), key, 2))
                    .contains("dashboard-it")
                    .contains("who: ci-runner-7")
                    .contains("operation: apply");
            assertThat(cell(browser.driver(), key, 5)).isEqualTo(Long.toString(lease.getFencingToken()));
            assertThat(cell(browser.driver(), key, 4)).matches("(59|60)s|1m 0s");

            release(key, lease);
            browser.await(java.time.Duration.ofSeconds(1), d -> "free".equals(cell(d, key, 1)));
            assertThat(cell(browser.driver(), key, 2)).isEmpty();
        }
    }

    @Test
    void anExpiryCountsDownAndTheRowTurnsFree() {
        String key = "ui/expiry/network.tfstate";
        try (Browser browser = Browser.start(dir.resolve("expiry"), 1280)) {
            open(browser);
            acquire(key, 4, "plan", "laptop");
            browser.await(java.time.Duration.ofSeconds(1), d -> "held".equals(cell(d, key, 1)));
            int first = seconds(cell(browser.driver(), key, 4));
            // The page counts down on its own, once a second: no call to the service is needed for it.
            browser.await(java.time.Duration.ofSeconds(3), d -> seconds(cell(d, key, 4)) < first);
            assertThat(first).isBetween(2, 4);
            // Never taken back: at its expiry the row turns free.
            browser.await(java.time.Duration.ofSeconds(6), d -> "free".equals(cell(d, key, 1)));
            assertThat(cell(browser.driver(), key, 4)).isEmpty();
        }
    }

    @Test
    void aVersionDiffNamesTheResourceThatChanged() throws Exception {
        String key = "ui/diff/network.tfstate";
        io.statelock.testing.TerraformHttp tf = new io.statelock.testing.TerraformHttp(service.port(), key);
        assertThat(tf.post(null, TerraformStates.state(1, "10.0.0.0/16", false).getBytes())
                        .statusCode())
                .isEqualTo(200);
        assertThat(tf.post(null, TerraformStates.state(2, "10.1.0.0/16", false).getBytes())
                        .statusCode())
                .isEqualTo(200);
        try (Browser browser = Browser.start(dir.resolve("diff"), 1280)) {
            WebDriver d = browser.driver();
            open(browser);
            // From the table to the key's page, as a user gets there.
            browser.await(java.time.Duration.ofSeconds(5), x -> cell(x, key, 0) != null);
            d.findElement(By.linkText(key)).click();
            browser.await(
                    java.time.Duration.ofSeconds(5),
                    x -> x.findElements(By.cssSelector("#key-versions tbody tr"))
                                    .size()
                            == 2);
            assertThat(d.findElement(By.id("key-title")).getText()).isEqualTo(key);
            d.findElement(By.cssSelector("#key-versions tbody tr:first-child td.actions button"))
                    .click();
            browser.await(
                    java.time.Duration.ofSeconds(5),
                    x -> x.findElement(By.id("key-diff")).getText().contains("Changed (1)"));
            String diff = d.findElement(By.id("key-diff")).getText();
            assertThat(diff).contains("aws_vpc.main").contains("Added (0)").contains("Removed (0)");
            assertThat(diff).doesNotContain("10.1.0.0").doesNotContain("s3cr3t");
        }
    }

    private void open(Browser browser) {
        browser.driver().get(service.page(""));
        browser.await(
                java.time.Duration.ofSeconds(10),
                d -> d.findElement(By.id("live")).getText().startsWith("Live"));
    }

    /** The text of a row's cell (0 key, 1 state, 2 holder, 3 since, 4 expires in, 5 fence, 6 waiters), or null. */
    static String cell(WebDriver driver, String key, int column) {
        // One script, so a row re-rendered by a live event between finding it and reading it is never stale.
        Object text = ((org.openqa.selenium.JavascriptExecutor) driver)
                .executeScript(
                        "const tr = [...document.querySelectorAll('#locks tbody tr')]"
                                + ".find(r => r.dataset.key === arguments[0]);"
                                + "return tr ? tr.children[arguments[1]].innerText.trim() : null;",
                        key,
                        column);
        return (String) text;
    }

    private static int seconds(String text) {
        return text == null || !text.matches("\\d+s") ? Integer.MAX_VALUE : Integer.parseInt(text.replace("s", ""));
    }

    private AcquireResponse acquire(String key, long ttlSeconds, String operation, String who) {
        return service.acquire(null, key, "dashboard-it", ttlSeconds, operation, who);
    }

    private void release(String key, AcquireResponse lease) {
        service.release(key, lease);
    }
}

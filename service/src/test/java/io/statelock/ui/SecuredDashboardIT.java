package io.statelock.ui;

import static io.statelock.ui.DashboardIT.cell;
import static org.assertj.core.api.Assertions.assertThat;

import io.statelock.proto.v1.AcquireResponse;
import io.statelock.testing.Browser;
import io.statelock.testing.DashboardClient;
import io.statelock.testing.JwtResource;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * The dashboard in Chromium against the packaged service under {@code statelock.auth.mode=jwt}: the token is
 * pasted once, a reader sees no admin action (and the call is refused), an admin breaks a stuck lock with a
 * reason and finds it in the audit view.
 */
class SecuredDashboardIT {
    @TempDir
    static Path dir;

    static PackagedService service;
    static final String ADMIN = JwtResource.adminToken(3600);
    static final String READER = JwtResource.pullRequestToken(3600);

    @BeforeAll
    static void start() throws Exception {
        String[] jwt = new JwtResource()
                .start().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new);
        service = PackagedService.start(dir, jwt);
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) service.close();
    }

    @Test
    void aReaderSeesNoAdminActionAndTheCallIsRefused() {
        String key = "teams/acme/network/reader-view.tfstate";
        acquire(key);
        try (Browser browser = Browser.start(dir.resolve("reader"), 1280)) {
            signIn(browser, READER);
            browser.await(java.time.Duration.ofSeconds(5), d -> "held".equals(cell(d, key, 1)));
            assertThat(actionButtons(browser.driver(), key)).isZero();
            assertThat(browser.driver().findElement(By.id("who")).getText()).contains("pull_request");
        }
        DashboardClient.Answer refused = new DashboardClient(service.port(), READER)
                .post(
                        "force-release",
                        "application/json",
                        "{\"key\":\"" + key + "\",\"reason\":\"mine now\",\"expectedFencingToken\":0}");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("code").asText()).isEqualTo("PERMISSION_DENIED");
    }

    @Test
    void anAdminForceReleasesWithAReasonAndFindsItInTheAuditView() {
        String key = "teams/acme/network/stuck.tfstate";
        AcquireResponse lease = acquire(key);
        try (Browser browser = Browser.start(dir.resolve("admin"), 1280)) {
            WebDriver d = browser.driver();
            signIn(browser, ADMIN);
            browser.await(java.time.Duration.ofSeconds(5), x -> "held".equals(cell(x, key, 1)));
            row(d, key).findElement(By.cssSelector("td.actions button")).click();
            browser.await(
                    java.time.Duration.ofSeconds(2),
                    x -> x.findElement(By.id("force-dialog")).isDisplayed());
            assertThat(d.findElement(By.id("force-what")).getText())
                    .contains(key)
                    .contains("alice@platform");
            assertThat(d.findElement(By.id("force-fence")).getText()).isEqualTo(Long.toString(lease.getFencingToken()));
            // The reason is required: confirming without one breaks nothing.
            d.findElement(By.id("force-confirm")).click();
            assertThat(d.findElement(By.id("force-dialog")).isDisplayed()).isTrue();
            d.findElement(By.id("force-reason")).sendKeys("runner 7 died mid-apply");
            d.findElement(By.id("force-confirm")).click();
            browser.await(java.time.Duration.ofSeconds(2), x -> "free".equals(cell(x, key, 1)));

            d.findElement(By.id("nav-audit")).click();
            d.findElement(By.id("audit-prefix")).sendKeys(key);
            d.findElement(By.cssSelector("#audit-filter button[type=submit]")).click();
            browser.await(
                    java.time.Duration.ofSeconds(5),
                    x -> x.findElements(By.cssSelector("#audit tbody tr")).size() > 0);
            String newest = d.findElement(By.cssSelector("#audit tbody tr")).getText();
            assertThat(newest).contains("force-release").contains("runner 7 died mid-apply");
            assertThat(newest).contains("alice@platform");
        }
    }

    private void signIn(Browser browser, String token) {
        WebDriver d = browser.driver();
        d.get(service.page(""));
        browser.await(
                java.time.Duration.ofSeconds(10),
                x -> x.findElement(By.id("token")).isDisplayed());
        d.findElement(By.id("token")).sendKeys(token);
        d.findElement(By.cssSelector("#token-form button[type=submit]")).click();
        browser.await(
                java.time.Duration.ofSeconds(10),
                x -> x.findElement(By.id("live")).getText().startsWith("Live"));
        // Kept for this tab only: never in the address.
        assertThat(d.getCurrentUrl()).doesNotContain(token.substring(0, 20));
    }

    private static org.openqa.selenium.WebElement row(WebDriver d, String key) {
        return d.findElement(By.cssSelector("#locks tr[data-key='" + key + "']"));
    }

    private static int actionButtons(WebDriver d, String key) {
        return row(d, key).findElements(By.cssSelector("td.actions button")).size();
    }

    private AcquireResponse acquire(String key) {
        return service.acquire(ADMIN, key, "ci", 600, "apply", "");
    }
}

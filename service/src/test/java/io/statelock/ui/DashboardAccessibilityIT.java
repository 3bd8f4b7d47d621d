package io.statelock.ui;

import static io.statelock.ui.DashboardIT.cell;
import static org.assertj.core.api.Assertions.assertThat;

import io.statelock.testing.Browser;
import io.statelock.testing.TerraformHttp;
import io.statelock.testing.TerraformStates;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.interactions.Actions;

/**
 * The dashboard for people who do not use a mouse or a wide screen: every view passes axe-core's WCAG 2.1 A/AA
 * rules, a force release can be done with the keyboard alone, and the page fits a 360 px wide phone. Run with
 * {@code -Dstatelock.screenshots=<dir>} to keep the screenshots (the README's is {@code locks.png} from here).
 */
class DashboardAccessibilityIT {
    @TempDir
    static Path dir;

    static PackagedService service;
    static final String STATE = "teams/acme/network/terraform.tfstate";

    @BeforeAll
    static void start() throws Exception {
        service = PackagedService.start(dir);
        TerraformHttp tf = new TerraformHttp(service.port(), STATE);
        tf.post(null, TerraformStates.state(1, "10.0.0.0/16", false).getBytes());
        tf.post(null, TerraformStates.state(2, "10.1.0.0/16", true).getBytes());
        acquire(STATE, "apply", "ci-runner-7", 1800);
        acquire("teams/acme/dns/terraform.tfstate", "plan", "alice", 900);
        acquire("teams/web/cdn/terraform.tfstate", "apply", "deploy #4411", 3600);
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) service.close();
    }

    @Test
    void everyViewPassesAxe() {
        try (Browser browser = Browser.start(dir.resolve("axe"), 1280)) {
            WebDriver d = open(browser, "");
            browser.saveScreenshot("locks");
            assertThat(browser.accessibilityViolations()).as("locks view").isEmpty();

            openState(browser);
            d.findElement(By.cssSelector("#key-versions tbody tr:first-child td.actions button"))
                    .click();
            browser.await(
                    java.time.Duration.ofSeconds(5),
                    x -> x.findElement(By.id("key-diff")).getText().contains("Changed"));
            browser.saveScreenshot("key");
            assertThat(browser.accessibilityViolations())
                    .as("key view with a diff")
                    .isEmpty();

            d.findElement(By.cssSelector("#key-holder button")).click();
            assertThat(browser.accessibilityViolations())
                    .as("force-release dialog")
                    .isEmpty();
            d.findElement(By.id("force-cancel")).click();

            d.findElement(By.id("nav-audit")).click();
            browser.await(
                    java.time.Duration.ofSeconds(5),
                    x -> x.findElement(By.id("audit-view")).isDisplayed());
            browser.await(
                    java.time.Duration.ofSeconds(5),
                    x -> !x.findElements(By.cssSelector("#audit tbody tr")).isEmpty());
            browser.saveScreenshot("audit");
            assertThat(browser.accessibilityViolations()).as("audit view").isEmpty();
        }
    }

    @Test
    void aForceReleaseNeedsNoMouse() {
        String key = "teams/acme/keyboard/terraform.tfstate";
        acquire(key, "apply", "stuck-runner", 1800);
        try (Browser browser = Browser.start(dir.resolve("keys"), 1280)) {
            WebDriver d = open(browser, "");
            browser.await(java.time.Duration.ofSeconds(5), x -> "held".equals(cell(x, key, 1)));
            // Tab from the top of the page to the row's button, as a keyboard user does.
            String label = "Force release " + key;
            for (int i = 0; i < 60 && !label.equals(focused(d, "aria-label")); i++) {
                new Actions(d).sendKeys(Keys.TAB).perform();
            }
            assertThat(focused(d, "aria-label")).isEqualTo(label);
            new Actions(d).sendKeys(Keys.ENTER).perform();
            browser.await(java.time.Duration.ofSeconds(2), x -> "force-reason".equals(focused(x, "id")));
            // Escape closes the dialog and gives the focus back to the button that opened it.
            new Actions(d).sendKeys(Keys.ESCAPE).perform();
            browser.await(java.time.Duration.ofSeconds(2), x -> label.equals(focused(x, "aria-label")));
            assertThat(cell(d, key, 1)).isEqualTo("held");

            new Actions(d).sendKeys(Keys.ENTER).perform();
            browser.await(java.time.Duration.ofSeconds(2), x -> "force-reason".equals(focused(x, "id")));
            new Actions(d).sendKeys("runner lost its node").perform();
            new Actions(d).sendKeys(Keys.TAB).perform();
            assertThat(focused(d, "id")).isEqualTo("force-confirm");
            new Actions(d).sendKeys(Keys.ENTER).perform();
            browser.await(java.time.Duration.ofSeconds(3), x -> "free".equals(cell(x, key, 1)));
        }
    }

    @Test
    void thePageFitsA360PixelScreen() {
        try (Browser browser = Browser.start(dir.resolve("narrow"), 360)) {
            WebDriver d = open(browser, "");
            JavascriptExecutor js = (JavascriptExecutor) d;
            long viewport = ((Number) js.executeScript("return document.documentElement.clientWidth")).longValue();
            long page = ((Number) js.executeScript("return document.documentElement.scrollWidth")).longValue();
            assertThat(viewport).isLessThanOrEqualTo(360);
            assertThat(page).as("nothing scrolls sideways").isLessThanOrEqualTo(viewport);
            browser.saveScreenshot("locks-360");
            // Each row reads as a card of its cells, one a line, each after its column's name.
            Object cards = js.executeScript("const tr = document.querySelector('#locks tbody tr');"
                    + "return [...tr.children].map(td => getComputedStyle(td).display + ' '"
                    + " + (td.dataset.label || td.className)).join('|')");
            assertThat(cards.toString())
                    .isEqualTo("block Key|block State|block Holder|block Since|block Expires in|block Fence"
                            + "|block Waiters|block actions");
            assertThat(browser.accessibilityViolations())
                    .as("locks view at 360 px")
                    .isEmpty();

            openState(browser);
            page = ((Number) js.executeScript("return document.documentElement.scrollWidth")).longValue();
            assertThat(page).as("the key's page does not scroll sideways").isLessThanOrEqualTo(viewport);
        }
    }

    /** From the table to the state's page, as a user gets there, once its two versions show. */
    private static void openState(Browser browser) {
        browser.driver().findElement(By.linkText(STATE)).click();
        browser.await(
                java.time.Duration.ofSeconds(5),
                x -> x.findElements(By.cssSelector("#key-versions tbody tr")).size() == 2);
    }

    private static String focused(WebDriver d, String attribute) {
        Object value = ((JavascriptExecutor) d)
                .executeScript(
                        "return document.activeElement && document.activeElement.getAttribute(arguments[0])",
                        attribute);
        return value == null ? null : value.toString();
    }

    private static WebDriver open(Browser browser, String hash) {
        WebDriver d = browser.driver();
        d.get(service.page(hash));
        browser.await(
                java.time.Duration.ofSeconds(10),
                x -> x.findElement(By.id("live")).getText().startsWith("Live"));
        browser.await(java.time.Duration.ofSeconds(5), x -> "held".equals(cell(x, STATE, 1)));
        return d;
    }

    private static void acquire(String key, String operation, String who, long ttlSeconds) {
        service.acquire(null, key, who, ttlSeconds, operation, who);
    }
}

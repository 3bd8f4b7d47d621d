package io.statelock.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven by Debian's chromium-driver: never a browser or driver a tool downloads.
 * It can reach loopback only: every other host name fails to resolve, and any proxied request goes to a
 * loopback port that refuses (Chromium calls Google's hosts even with background networking off). Under
 * {@code CI=true} a missing Chromium fails the test; elsewhere the test is skipped with how to install it.
 */
public final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** A fresh browser with its profile in {@code dir}, {@code width} CSS pixels wide. */
    public static Browser start(Path dir, int width) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
            String why = "the dashboard's tests need Debian's chromium and chromium-driver:"
                    + " apt-get install chromium chromium-driver";
            if ("true".equals(System.getenv("CI"))) throw new AssertionError(why);
            Assumptions.abort(why);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
                "--user-data-dir=" + dir.resolve("chromium-profile"),
                "--proxy-server=http://127.0.0.1:" + ServiceProcess.freePort(),
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
                "--window-size=" + Math.max(width, 800) + ",900");
        if (width < 800) {
            // A window is never narrower than about 500 px: a phone's width is emulated, as DevTools does.
            options.setExperimentalOption(
                    "mobileEmulation",
                    java.util.Map.of(
                            "deviceMetrics", java.util.Map.of("width", width, "height", 740, "pixelRatio", 1.0)));
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(dir.resolve("chromedriver.log").toFile())
                .build();
        return new Browser(new ChromeDriver(service, options));
    }

    public WebDriver driver() {
        return driver;
    }

    /** Waits up to {@code timeout} for {@code condition} to be true or non-null, polling every 20 ms. */
    public <T> T await(Duration timeout, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(20)).until(condition::apply);
    }

    /**
     * The page's WCAG 2 A and AA violations by axe-core (the pinned copy in deploy/local, installed with dynalite),
     * one line each: rule, then the elements that break it. Empty when the page passes.
     */
    public java.util.List<String> accessibilityViolations() {
        Path axe = RepoRoot.find().resolve("deploy/local/node_modules/axe-core/axe.min.js");
        org.openqa.selenium.JavascriptExecutor js = driver;
        try {
            js.executeScript(Files.readString(axe));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("axe-core is installed by deploy/local/install.sh", e);
        }
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        Object found = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] })"
                + ".then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' at '"
                + " + v.nodes.map(n => n.target.join(' ')).join(', '))))"
                + ".catch(e => done(['axe failed: ' + e]));");
        @SuppressWarnings("unchecked")
        java.util.List<String> violations = (java.util.List<String>) found;
        return violations;
    }

    /** Saves a screenshot as {@code name}.png under {@code -Dstatelock.screenshots=<dir>}, when it is set. */
    public void saveScreenshot(String name) {
        String dir = System.getProperty("statelock.screenshots");
        if (dir == null || dir.isBlank()) return;
        try {
            Files.createDirectories(Path.of(dir));
            Files.write(Path.of(dir, name + ".png"), screenshot());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public byte[] screenshot() {
        return driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES);
    }

    @Override
    public void close() {
        driver.quit();
    }
}

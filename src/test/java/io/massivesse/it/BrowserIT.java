package io.massivesse.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import static io.massivesse.it.Http.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo page in Debian's headless Chromium, through the nginx of docker/ in front of two nodes:
 * it connects, shows events, and when its node stops it reconnects by itself and shows what was
 * published meanwhile (Last-Event-ID replay on the other node). A failing test leaves a screenshot
 * in target/.
 */
@ResourceLock(SharedClusters.TWO_NODES)
@ResourceLock(LocalNginx.LOCK)
@Order(9)
class BrowserIT {

    private static LocalCluster cluster;
    private static LocalNginx nginx;
    private static WebDriver browser;

    @RegisterExtension
    final TestWatcher screenshotOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser instanceof TakesScreenshot camera) {
                try {
                    Path shot = camera.getScreenshotAs(OutputType.FILE).toPath();
                    Files.copy(shot, Path.of("target/BrowserIT-" + context.getDisplayName().replaceAll("\\W", "") + ".png"),
                            StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException | RuntimeException e) {
                    System.err.println("no screenshot: " + e);
                }
            }
        }
    };

    @BeforeAll
    static void start() throws Exception {
        cluster = SharedClusters.twoNodes();
        nginx = LocalNginx.start(List.of(cluster.node(1), cluster.node(2)));
        browser = HeadlessChromium.start("browser-it");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (nginx != null) {
            nginx.close();
        }
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static List<String> shownData() {
        return browser.findElements(By.cssSelector("#events li .data")).stream().map(WebElement::getText).toList();
    }

    private static List<String> shownIds() {
        return browser.findElements(By.cssSelector("#events li[data-event='message']")).stream()
                .map(item -> item.getAttribute("data-id")).toList();
    }

    @Test
    void thePageConnectsShowsEventsAndReconnectsByItselfWithoutMissingAny() {
        String user = "web-" + UUID.randomUUID().toString().substring(0, 8);
        browser.get(LocalNginx.uri("/?user=" + user).toString());
        await().atMost(20, TimeUnit.SECONDS).until(() -> "open".equals(text("state")));
        String node = text("node");
        assertThat(node).isIn("node1", "node2");

        assertThat(postJson(LocalNginx.uri("/sse/send/" + user), "{\"data\":\"first\"}").statusCode()).isEqualTo(202);
        await().atMost(20, TimeUnit.SECONDS).until(() -> shownData().contains("first"));

        // Stop the page's node: the page is told to reconnect, and does so by itself, to the other node.
        int index = Integer.parseInt(node.substring("node".length()));
        int other = 3 - index;
        cluster.stopNode(index);
        for (String missed : List.of("missed-1", "missed-2")) {
            assertThat(postJson(java.net.URI.create(cluster.node(other) + "/sse/broadcast"), "{\"data\":\"" + missed + "\"}")
                    .statusCode()).isEqualTo(202);
        }
        await().atMost(60, TimeUnit.SECONDS).until(() -> shownData().containsAll(List.of("missed-1", "missed-2")));
        assertThat(text("node")).isEqualTo("node" + other);
        assertThat(Integer.parseInt(text("reconnects"))).isPositive();
        assertThat(shownIds()).doesNotHaveDuplicates();
        assertThat(browser.findElements(By.cssSelector("#events li[data-event='server-shutdown']"))).isNotEmpty();

        // The node comes back; the page keeps working where it is.
        cluster.startNode(index);
        assertThat(postJson(LocalNginx.uri("/sse/broadcast"), "{\"data\":\"after the restart\"}").statusCode()).isEqualTo(202);
        await().atMost(20, TimeUnit.SECONDS).until(() -> shownData().contains("after the restart"));
        assertThat(shownIds()).doesNotHaveDuplicates();
        assertThat(shownData()).containsSubsequence("after the restart", "missed-2", "missed-1", "first");
    }

    @Test
    void thePageListensToATopicAndPublishesToIt() {
        String user = "topic-" + UUID.randomUUID().toString().substring(0, 8);
        String topic = "demo/" + user;
        browser.get(LocalNginx.uri("/?user=" + user + "&topics=demo/*").toString());
        await().atMost(20, TimeUnit.SECONDS).until(() -> "open".equals(text("state")));
        assertThat(text("listening")).isEqualTo("demo/*");
        browser.findElement(By.cssSelector("#publishTarget option[value='topic']")).click();
        browser.findElement(By.id("publishTopic")).sendKeys(topic);
        WebElement data = browser.findElement(By.id("publishData"));
        data.clear();
        data.sendKeys("to the topic");
        browser.findElement(By.id("send")).click();
        await().atMost(20, TimeUnit.SECONDS).until(() -> text("publishResult").startsWith("accepted: "));
        await().atMost(20, TimeUnit.SECONDS).until(() -> shownData().contains("to the topic"));
    }

    @Test
    void thePagePublishesABroadcast() {
        String user = "pub-" + UUID.randomUUID().toString().substring(0, 8);
        browser.get(LocalNginx.uri("/?user=" + user).toString());
        await().atMost(20, TimeUnit.SECONDS).until(() -> "open".equals(text("state")));
        WebElement data = browser.findElement(By.id("publishData"));
        data.clear();
        data.sendKeys("from the page");
        browser.findElement(By.id("send")).click();
        await().atMost(20, TimeUnit.SECONDS).until(() -> text("publishResult").startsWith("accepted: "));
        await().atMost(20, TimeUnit.SECONDS).until(() -> shownData().contains("from the page"));
    }
}

package io.massivesse.push;


import org.junit.jupiter.api.Test;

import io.massivesse.event.Topics;
import io.massivesse.hub.DuplicatePolicy;
import io.massivesse.hub.Hub;
import io.massivesse.hub.HistorySettings;
import io.massivesse.hub.HubMetrics;
import io.massivesse.hub.HubSettings;
import io.massivesse.hub.RecordingStream;
import io.massivesse.hub.SubscribeRefusedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The hub's refusals and the field rules, as the HTTP answers a client gets. */
class ApiExceptionTest {


    private static ApiException refusal(Hub hub, String userId) {
        return ApiException.of(catchThrowableOfType(SubscribeRefusedException.class,
                () -> hub.subscribe(userId, new RecordingStream(), null, Topics.NONE)));
    }

    @Test
    void overTheUserLimitIs429AndAtCapacityOrDrainingIs503WithRetryAfter() {
        Hub hub = new Hub(new HubSettings("n", 10, 30, 30, 1000, 3, 1, DuplicatePolicy.ALLOW, HistorySettings.NONE, 64, 0), HubMetrics.NONE);
        try {
            hub.subscribe("alice", new RecordingStream(), null, Topics.NONE);
            ApiException perUser = refusal(hub, "alice");
            assertThat(perUser.status()).isEqualTo(429);
            assertThat(perUser.retryAfterSeconds()).isNull();
            assertThat(perUser.getMessage()).isEqualTo("user alice already has 1 connections on this node");

            hub.subscribe("bob", new RecordingStream(), null, Topics.NONE);
            hub.subscribe("carol", new RecordingStream(), null, Topics.NONE);
            ApiException full = refusal(hub, "dave");
            assertThat(full.status()).isEqualTo(503);
            assertThat(full.retryAfterSeconds()).isEqualTo(5);

            hub.drain(0);
            ApiException draining = refusal(hub, "erin");
            assertThat(draining.status()).isEqualTo(503);
            assertThat(draining.retryAfterSeconds()).isEqualTo(1);
        } finally {
            hub.shutdown();
        }
    }

    @Test
    void aBrokenFieldRuleIsA400WithTheRulesReason() {
        assertThatThrownBy(() -> SubscribeRequest.lastEventId("../etc", null, null))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("userId must be 1-128 characters of A-Z a-z 0-9 . _ @ -");
                });
        assertThatThrownBy(() -> SubscribeRequest.lastEventId("alice", "a\nb", null))
                .isInstanceOfSatisfying(ApiException.class, e ->
                        assertThat(e.getMessage()).isEqualTo("Last-Event-ID must be 1-128 characters without CR, LF or NUL"));
        assertThat(SubscribeRequest.lastEventId("alice", null, "42")).isEqualTo("42");
        assertThat(SubscribeRequest.lastEventId("alice", "7", "42")).isEqualTo("7");
    }
}

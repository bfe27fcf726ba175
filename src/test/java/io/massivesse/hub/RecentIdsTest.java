package io.massivesse.hub;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecentIdsTest {

    @Test
    void anIdSeenAmongTheLastOnesIsRecognisedAndTheOldestAreForgotten() {
        RecentIds ids = new RecentIds(3);
        assertThat(ids.add("a")).isTrue();
        assertThat(ids.add("b")).isTrue();
        assertThat(ids.add("a")).as("seen").isFalse();
        assertThat(ids.add("c")).isTrue();
        assertThat(ids.add("d")).as("pushes a out").isTrue();
        assertThat(ids.add("b")).as("still among the last three").isFalse();
        assertThat(ids.add("a")).as("forgotten, so new again").isTrue();
    }
}

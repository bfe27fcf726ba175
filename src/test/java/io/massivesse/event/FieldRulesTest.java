package io.massivesse.event;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FieldRulesTest {

    @Test
    void topicNamesAreSegmentsOfUrlSafeCharactersSeparatedBySingleSlashes() {
        for (String good : new String[] {"orders", "orders/42", "tenants/acme/users", "a.b_c~d:e@f+g-h", "x".repeat(256),
                "...", "a/.x", "..a/b..", "v1.2/..."}) {
            assertThat(FieldRules.topicProblem(good)).as(good).isEmpty();
            assertThat(FieldRules.topicSelectorProblem(good)).as(good).isEmpty();
        }
        for (String bad : new String[] {"", "/orders", "orders/", "orders//42", "orders 42", "orders?x", "ö", "a\nb",
                "x".repeat(257), "*", "orders/*/x", "orders*",
                ".", "..", "../x", "a/./b", "a/..", "a/../b", "a\u0000b"}) {
            assertThat(FieldRules.topicProblem(bad)).as(bad).isPresent();
            assertThat(FieldRules.topicSelectorProblem(bad)).as(bad).isPresent();
        }
        assertThat(FieldRules.topicProblem(null)).isPresent();
    }

    @Test
    void aPrefixListensButIsNeverPublishedTo() {
        assertThat(FieldRules.topicSelectorProblem("orders/*")).isEmpty();
        assertThat(FieldRules.topicSelectorProblem("orders/42/*")).isEmpty();
        assertThat(FieldRules.topicSelectorProblem("x".repeat(254) + "/*")).isEmpty();
        assertThat(FieldRules.topicSelectorProblem("x".repeat(255) + "/*")).isPresent();
        assertThat(FieldRules.topicProblem("orders/*")).get().asString()
                .isEqualTo("topic 'orders/*' is a prefix: an event is published to one topic name");
    }

    @Test
    void refusalsNameTheValueShortAndOnOneLine() {
        assertThat(FieldRules.topicProblem("bad topic")).get().asString().startsWith("topic 'bad topic' is not a topic name: 1-256");
        assertThat(FieldRules.topicSelectorProblem("a\nb" + "y".repeat(100))).get().asString()
                .startsWith("topic 'a?b" + "y".repeat(61) + "...' is neither");
    }

    @Test
    void userIdsAndFieldsKeepTheirRules() {
        assertThat(FieldRules.userIdProblem("alice@example.org")).isEmpty();
        assertThat(FieldRules.userIdProblem("../etc")).isPresent();
        assertThat(FieldRules.eventNameProblem("x".repeat(129))).isPresent();
        assertThat(FieldRules.idProblem("ok-id")).isEmpty();
        assertThat(FieldRules.dataProblem(" \n")).contains("missing or blank data");
        assertThat(FieldRules.sizeProblem("héllo", 5)).contains("data is larger than 5 bytes");
    }
}

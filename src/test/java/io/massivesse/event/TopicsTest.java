package io.massivesse.event;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TopicsTest {

    @Test
    void namesMatchExactlyAndPrefixesMatchEveryNameBelowThem() {
        Topics topics = Topics.of(List.of("orders/42", "tenants/acme/*"));
        assertThat(topics.matches("orders/42")).isTrue();
        assertThat(topics.matches("orders/42/lines")).isFalse();
        assertThat(topics.matches("orders/4")).isFalse();
        assertThat(topics.matches("tenants/acme/users")).isTrue();
        assertThat(topics.matches("tenants/acme/users/7")).isTrue();
        assertThat(topics.matches("tenants/acme")).isFalse();
        assertThat(topics.matches("tenants/acmeco/x")).isFalse();
        assertThat(Topics.NONE.matches("orders/42")).isFalse();
    }

    @Test
    void aClaimAllowsItsNamesAndEverythingAtOrBelowItsPrefixes() {
        Topics claim = Topics.of(List.of("orders/42", "tenants/acme/*"));
        assertThat(claim.allow("orders/42")).isTrue();
        assertThat(claim.allow("orders/43")).isFalse();
        assertThat(claim.allow("orders/*")).isFalse();
        assertThat(claim.allow("tenants/acme/*")).isTrue();
        assertThat(claim.allow("tenants/acme/eu/*")).isTrue();
        assertThat(claim.allow("tenants/acme/eu")).isTrue();
        assertThat(claim.allow("tenants/*")).isFalse();
        assertThat(Topics.NONE.allow("anything")).isFalse();
    }

    @Test
    void changesKeepTheOrderAndTheLimit() {
        Topics topics = Topics.of(List.of("a", "b/*"));
        assertThat(topics.selectors()).containsExactly("a", "b/*");
        Topics changed = topics.changed(List.of("c", "d", "e"), List.of("a"), 3);
        assertThat(changed.selectors()).containsExactly("c", "d", "b/*");
        assertThat(changed.size()).isEqualTo(3);
        assertThat(topics.changed(List.of(), List.of("a", "b/*"), 3)).isEqualTo(Topics.NONE);
        assertThat(Topics.of(List.of("x", "x")).size()).isEqualTo(1);
    }
}

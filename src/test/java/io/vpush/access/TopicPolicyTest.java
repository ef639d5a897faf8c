package io.vpush.access;

import io.vpush.auth.TokenClaims;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TopicPolicyTest {

  @Test
  void tokenPatternsAndPublicTopicsGrantSubscriptions() {
    TopicPolicy policy = new TopicPolicy(List.of("news.*"));
    TokenClaims claims = new TokenClaims("u", List.of("prices.eur", "shop.42.*"), List.of());
    assertThat(policy.allows(claims, "news.sport")).isTrue();
    assertThat(policy.allows(claims, "prices.eur")).isTrue();
    assertThat(policy.allows(claims, "prices.usd")).isFalse();
    assertThat(policy.allows(claims, "shop.42.offers")).isTrue();
    assertThat(policy.allows(claims, "shop.43.offers")).isFalse();
    assertThat(policy.allows(new TokenClaims("u", List.of("*"), List.of()), "anything")).isTrue();
    assertThat(new TopicPolicy(List.of()).allows(new TokenClaims("u", List.of(), List.of()), "news.x")).isFalse();
  }
}

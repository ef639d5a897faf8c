package io.vpush.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

  @Test
  void exactOriginsAndSubdomainWildcards() {
    OriginPolicy p = OriginPolicy.of(List.of("https://app.example.com", "https://*.example.org", "http://*.dev.test:8080"), false);
    assertThat(p.allows("https://app.example.com", "push.example.com")).isTrue();
    assertThat(p.allows("HTTPS://APP.EXAMPLE.COM", "push.example.com")).isTrue();
    assertThat(p.allows("http://app.example.com", "push.example.com")).as("scheme").isFalse();
    assertThat(p.allows("https://app.example.com:8443", "push.example.com")).as("port").isFalse();
    assertThat(p.allows("https://a.example.org", "push")).isTrue();
    assertThat(p.allows("https://a.b.example.org", "push")).isTrue();
    assertThat(p.allows("https://example.org", "push")).as("the bare domain").isFalse();
    assertThat(p.allows("https://evilexample.org", "push")).as("not a subdomain").isFalse();
    assertThat(p.allows("https://a.example.org:444", "push")).as("a port the entry does not name").isFalse();
    assertThat(p.allows("http://x.dev.test:8080", "push")).isTrue();
    assertThat(p.allows("http://x.dev.test", "push")).isFalse();
    assertThat(p.allows("https://evil.example", "push")).isFalse();
    assertThat(p.allows("null", "push")).as("sandboxed frame").isFalse();
  }

  @Test
  void withoutAListProductionAllowsTheNodesOwnOriginAndDevAllowsAny() {
    OriginPolicy prod = OriginPolicy.of(List.of(), false);
    assertThat(prod.allows("http://127.0.0.1:8080", "127.0.0.1:8080")).isTrue();
    assertThat(prod.allows("https://push.example.com", "push.example.com")).as("default port").isTrue();
    assertThat(prod.allows("https://push.example.com", "push.example.com:443")).isTrue();
    assertThat(prod.allows("http://127.0.0.1:9999", "127.0.0.1:8080")).isFalse();
    assertThat(prod.allows("https://evil.example", "push.example.com")).isFalse();
    assertThat(prod.allows(null, "push.example.com")).as("no Origin: not a browser page").isTrue();
    assertThat(prod.allowsCrossOrigin()).isFalse();
    assertThat(OriginPolicy.of(List.of(), true).allows("https://evil.example", "127.0.0.1:8080")).isTrue();
    assertThat(OriginPolicy.of(List.of("*"), false).allows("https://anyone.example", "x")).isTrue();
  }

  @Test
  void wildcardPatternsMatchWhatTheyShould() {
    String pattern = OriginPolicy.of(List.of("https://*.example.org"), false).wildcardPatterns().get(0);
    assertThat("https://a.example.org").matches(pattern);
    assertThat("https://a.b.example.org").matches(pattern);
    assertThat("https://example.org").doesNotMatch(pattern);
    assertThat("https://aexample.org").doesNotMatch(pattern);
    assertThat("https://a.example.org.evil.com").doesNotMatch(pattern);
  }

  @Test
  void badEntriesAreRefusedWithTheReason() {
    assertThatThrownBy(() -> OriginPolicy.of(List.of("app.example.com"), false)).hasMessageContaining("scheme://host");
    assertThatThrownBy(() -> OriginPolicy.of(List.of("https://app.example.com/"), false)).hasMessageContaining("no path");
    assertThatThrownBy(() -> OriginPolicy.of(List.of("https://a.*.com"), false)).hasMessageContaining("'*'");
    assertThatThrownBy(() -> OriginPolicy.of(List.of("https://*."), false)).hasMessageContaining("wildcard");
  }
}

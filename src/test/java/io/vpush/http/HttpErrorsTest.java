package io.vpush.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HttpErrorsTest {

  @Test
  void aUriIsRefusedOnlyForAPercentNotFollowedByTwoHexDigits() {
    assertThat(HttpErrors.hasValidEscapes("/api/v1/users/a%20b/connections?clientId=x%2Fy")).isTrue();
    assertThat(HttpErrors.hasValidEscapes("/plain")).isTrue();
    assertThat(HttpErrors.hasValidEscapes(null)).isTrue();
    assertThat(HttpErrors.hasValidEscapes("/a%zz")).isFalse();
    assertThat(HttpErrors.hasValidEscapes("/a?token=%zz")).isFalse();
    assertThat(HttpErrors.hasValidEscapes("/a%2")).isFalse();
    assertThat(HttpErrors.hasValidEscapes("/a%")).isFalse();
    assertThat(HttpErrors.hasValidEscapes("?%%%")).isFalse();
  }

  @Test
  void failuresOfTheClientsOwnMakingAreToldApartFromOurs() {
    assertThat(HttpErrors.isClientFailure(new NumberFormatException("Chunk size overflow: -1"))).isTrue();
    assertThat(HttpErrors.isClientFailure(new io.vertx.core.http.HttpClosedException("Connection was closed"))).isTrue();
    assertThat(HttpErrors.isClientFailure(new IllegalStateException("bug"))).isFalse();
    assertThat(HttpErrors.isClientFailure(null)).isFalse();
  }
}

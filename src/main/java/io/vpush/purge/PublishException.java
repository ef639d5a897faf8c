package io.vpush.purge;

import io.vpush.http.BadRequest;

/** A publish request that is not valid; the message names the field. Answered with 400 / {@code bad_frame}. */
public final class PublishException extends RuntimeException implements BadRequest {

  private final String field;

  public PublishException(String field, String message) {
    super(message, null, false, false);
    this.field = field;
  }

  public String field() {
    return field;
  }
}

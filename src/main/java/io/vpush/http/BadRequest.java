package io.vpush.http;

/** Marks a failure caused by the caller's input: {@link HttpJson#failure} answers it 400 with its message. */
public interface BadRequest {

  /** The reason, naming the field at fault. */
  String getMessage();
}

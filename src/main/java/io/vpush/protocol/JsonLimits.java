package io.vpush.protocol;

import com.fasterxml.jackson.core.StreamReadConstraints;
import io.vertx.core.json.jackson.DatabindCodec;

/**
 * The process's bound on JSON nesting: a frame, body or payload nested deeper than {@link #MAX_DEPTH} is refused when
 * it is parsed (bad_frame, or 400 on HTTP), for every door, since they all parse through Vert.x's codec.
 *
 * <p>Why: Jackson's own bound is 1,000 levels both ways, so a payload of 999 levels was accepted and stored,
 * and then could never be written inside a reply or a delivery frame (three levels more): the sync that would carry
 * it failed with an EncodeException and the message stayed hidden. With reads bounded far below the write bound,
 * anything accepted can be written inside any frame vpush makes.
 */
public final class JsonLimits {

  /** The deepest nesting accepted; well above what any real payload uses. */
  public static final int MAX_DEPTH = 100;

  private JsonLimits() {}

  /** Sets the bound on Vert.x's JSON codec; idempotent, once per process is enough. */
  public static void install() {
    DatabindCodec.mapper().getFactory()
        .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
  }
}

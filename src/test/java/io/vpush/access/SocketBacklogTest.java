package io.vpush.access;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vpush.metrics.Metrics;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SocketBacklogTest {

  /** A socket that takes frames only when told to, and on a flush takes as many as it has room for. */
  private static final class StubbornSocket implements Transport {
    final ArrayDeque<Promise<Void>> pending = new ArrayDeque<>();
    int roomOnFlush;
    int flushes;

    @Override
    public Future<Void> write(String frame) {
      Promise<Void> p = Promise.promise();
      pending.add(p);
      return p.future();
    }

    @Override
    public void flush() {
      flushes++;
      take(roomOnFlush);
    }

    void take(int n) {
      for (int i = 0; i < n && !pending.isEmpty(); i++) pending.poll().complete();
    }

    @Override
    public void close(short code, String reason) {
    }

    @Override
    public String kind() {
      return "websocket";
    }

    @Override
    public String queryParam(String name) {
      return null;
    }

    @Override
    public String remoteAddress() {
      return "stub";
    }
  }

  private final StubbornSocket socket = new StubbornSocket();
  private final Metrics metrics = new Metrics();
  // At most 10 frames or 1,000 characters; paced writes fill at most 5 frames or 500 characters.
  private final SocketBacklog backlog = new SocketBacklog(socket, OutboundLimits.of(10, 1_000), metrics);

  private double queuedGauge() {
    return metrics.registry().get("vpush_outbound_queued_bytes").gauge().value();
  }

  @Test
  void countsFramesUntilTheSocketTakesThem() {
    assertThat(backlog.write("a".repeat(100))).isTrue();
    assertThat(backlog.write("b".repeat(50))).isTrue();
    assertThat(backlog.frames()).isEqualTo(2);
    assertThat(backlog.bytes()).isEqualTo(150);
    assertThat(queuedGauge()).isEqualTo(150.0);

    socket.take(1);
    assertThat(backlog.frames()).isEqualTo(1);
    assertThat(backlog.bytes()).isEqualTo(50);
    assertThat(queuedGauge()).isEqualTo(50.0);
    assertThat(socket.flushes).as("within the bound nothing is flushed early").isZero();
  }

  @Test
  void aBurstPastTheBoundThatTheSocketTakesWhenFlushedIsNoSlowConsumer() {
    socket.roomOnFlush = 100;
    for (int i = 0; i < 20; i++) assertThat(backlog.write("m" + i)).isTrue();
    assertThat(socket.flushes).isEqualTo(1);
    assertThat(backlog.frames()).isLessThanOrEqualTo(10);
  }

  @Test
  void whatTheSocketDoesNotTakeEvenFlushedMakesASlowConsumer() {
    socket.roomOnFlush = 0;
    for (int i = 0; i < 10; i++) assertThat(backlog.write("m" + i)).isTrue();
    assertThat(backlog.write("one too many")).isFalse();
    assertThat(socket.flushes).isEqualTo(1);
  }

  @Test
  void theByteLimitCountsAsWellAsTheFrameLimit() {
    assertThat(backlog.write("x".repeat(1_000))).isTrue();
    assertThat(backlog.write("y")).isFalse();
  }

  @Test
  void pacedWritesFillHalfOfEitherLimit() {
    for (int i = 0; i < 4; i++) backlog.write("m");
    assertThat(backlog.pacedRoom(1, 1)).isTrue();
    assertThat(backlog.pacedRoom(2, 2)).as("a sixth frame").isFalse();
    assertThat(backlog.pacedRoom(1, 497)).isFalse();
    assertThat(backlog.pacedRoom(1, 496)).isTrue();
  }

  @Test
  void theListenerHearsEachFrameTheSocketTakesAndTheBacklogReachingHalfThePacedShare() {
    List<Integer> heard = new ArrayList<>();
    List<Boolean> halfDrained = new ArrayList<>();
    backlog.listener(b -> {
      heard.add(b.frames());
      halfDrained.add(b.pacedHalfDrained());
    });
    for (int i = 0; i < 5; i++) backlog.write("m");
    socket.take(3);
    // The paced share is 5 frames: half of it, 2 frames, is where a paused catch-up goes on.
    assertThat(heard).containsExactly(4, 3, 2);
    assertThat(halfDrained).containsExactly(false, false, true);

    backlog.listener(null);
    socket.take(2);
    assertThat(heard).hasSize(3);
    assertThat(backlog.frames()).isZero();
  }

  @Test
  void theLimitsDeriveThePacedShareFromTheBound() {
    assertThat(OutboundLimits.of(2000, 1 << 20)).isEqualTo(new OutboundLimits(2000, 1 << 20, 200, 1 << 19));
    assertThat(OutboundLimits.of(1, 1)).isEqualTo(new OutboundLimits(1, 1, 1, 1));
    assertThat(OutboundLimits.of(100, 1000).pacedMaxFrames()).isEqualTo(50);
  }
}

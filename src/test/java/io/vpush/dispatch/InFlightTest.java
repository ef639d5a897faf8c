package io.vpush.dispatch;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InFlightTest {

  @Test
  void idleAtOnceWhenNothingIsInFlight() {
    assertThat(new InFlight().idle().succeeded()).isTrue();
  }

  @Test
  void idleCompletesWhenTheLastWorkEnds() {
    InFlight f = new InFlight();
    f.enter();
    f.enter();
    Future<Void> idle = f.idle();
    f.exit();
    assertThat(idle.isComplete()).isFalse();
    f.exit();
    assertThat(idle.succeeded()).isTrue();
    assertThat(f.count()).isZero();
  }

  @Test
  void workStartedByAWaiterIsCountedAgain() {
    InFlight f = new InFlight();
    f.enter();
    Future<Void> first = f.idle();
    first.onSuccess(v -> f.enter());
    f.exit();
    assertThat(first.succeeded()).isTrue();
    assertThat(f.idle().isComplete()).isFalse();
  }
}

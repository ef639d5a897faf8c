package io.vpush.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

class EventLoopsCheckTest {

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(3)
      .setBlockedThreadCheckInterval(60_000));

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void upWhenEveryLoopAnswers() throws Exception {
    Status status = run(new EventLoopsCheck(vertx, 2_000));
    assertThat(status.isOk()).as(String.valueOf(status.getData())).isTrue();
    assertThat(status.getData().getInteger("loops")).isEqualTo(3);
  }

  @Test
  void downWhileOneLoopIsStuckAndUpAgainAfter() throws Exception {
    EventExecutor stuck = loop(1);
    CountDownLatch release = new CountDownLatch(1);
    stuck.execute(() -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    EventLoopsCheck check = new EventLoopsCheck(vertx, 200);
    Status down = run(check);
    assertThat(down.isOk()).isFalse();
    assertThat(down.getData().getJsonArray("notAnswering")).hasSize(1);
    assertThat(down.getData().getJsonArray("notAnswering").getJsonObject(0).getInteger("loop")).isEqualTo(1);
    release.countDown();
    assertThat(run(check).isOk()).isTrue();
  }

  @Test
  void downWhenALoopsThreadIsGone() throws Exception {
    loop(2).shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await(5, TimeUnit.SECONDS);
    Status down = run(new EventLoopsCheck(vertx, 2_000));
    assertThat(down.isOk()).isFalse();
    JsonObject silent = down.getData().getJsonArray("notAnswering").getJsonObject(0);
    assertThat(silent.getInteger("loop")).isEqualTo(2);
    assertThat(silent.getString("error")).contains("terminated");
  }

  private EventExecutor loop(int index) {
    int i = 0;
    for (EventExecutor e : ((VertxInternal) vertx).nettyEventLoopGroup()) {
      if (i++ == index) return e;
    }
    throw new IllegalArgumentException("no loop " + index);
  }

  private static Status run(EventLoopsCheck check) throws Exception {
    Promise<Status> status = Promise.promise();
    check.check(status);
    return status.future().await(10, TimeUnit.SECONDS);
  }
}

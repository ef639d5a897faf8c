package io.vpush.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileSummaryTest {

  private static final List<String> STACKS = List.of(
      // an event loop writing a frame: Java, then the kernel's write
      "java/lang/Thread.run;io/vpush/access/Session.offer;io/vpush/access/Session.write;ksys_write_[k];tcp_sendmsg_[k] 40",
      // the same loop reading, through a lambda of the same method
      "java/lang/Thread.run;io/vpush/access/Session$$Lambda$12.0x1.handle;io/vpush/access/Session.offer;ksys_read_[k] 10",
      // waiting in epoll
      "java/lang/Thread.run;io/netty/channel/nio/NioIoHandler.select;epoll_wait;do_epoll_wait_[k] 20",
      // a recursive vpush method counts once per stack
      "java/lang/Thread.run;io/vpush/store/Codec.parse;io/vpush/store/Codec.parse;java/lang/String.indexOf 10",
      // a first touch of heap memory
      "java/lang/Thread.run;io/vpush/store/Codec.parse;asm_exc_page_fault_[k];clear_page_erms_[k] 5",
      // HotSpot's threads: a G1 worker and a compiler
      "start_thread;thread_native_entry;Thread::call_run;GangWorker::run;G1EvacuateRegionsTask::work 10",
      "start_thread;thread_native_entry;Thread::call_run;JavaThread::thread_main_inner;CompileBroker::compiler_thread_loop 5",
      "not a stack line",
      "");

  @Test
  void sharesOfTheKernelSyscallsAndHotSpotThreads() {
    ProfileSummary s = ProfileSummary.of(STACKS);
    assertThat(s.samples()).isEqualTo(100);
    JsonObject shares = s.shares();
    assertThat(shares.getDouble("kernel")).as("leaf in the kernel: write, read, epoll, fault").isEqualTo(0.75);
    assertThat(shares.getDouble("socketWrites")).isEqualTo(0.40);
    assertThat(shares.getDouble("socketReads")).isEqualTo(0.10);
    assertThat(shares.getDouble("epollWait")).isEqualTo(0.20);
    assertThat(shares.getDouble("pageFaults")).isEqualTo(0.05);
    assertThat(shares.getDouble("gcThreads")).isEqualTo(0.10);
    assertThat(shares.getDouble("jitThreads")).isEqualTo(0.05);
  }

  @Test
  void vpushMethodsInclusiveOncePerStackWithoutLambdas() {
    var top = ProfileSummary.of(STACKS).topVpush(2);
    assertThat(top.size()).isEqualTo(2);
    assertThat(top.getJsonObject(0).getString("method")).isEqualTo("io.vpush.access.Session.offer");
    assertThat(top.getJsonObject(0).getDouble("share")).isEqualTo(0.50);
    assertThat(top.getJsonObject(1).getString("method")).isEqualTo("io.vpush.access.Session.write");
    assertThat(top.getJsonObject(1).getDouble("share")).isEqualTo(0.40);
    assertThat(ProfileSummary.of(STACKS).topVpush(10).stream().map(o -> ((JsonObject) o).getString("method")))
        .contains("io.vpush.store.Codec.parse")
        .noneMatch(m -> m.contains("Lambda"));
    assertThat(ProfileSummary.of(STACKS).topVpush(10).stream()
        .filter(o -> ((JsonObject) o).getString("method").endsWith("Codec.parse"))
        .map(o -> ((JsonObject) o).getDouble("share"))).containsExactly(0.15);
  }

  @Test
  void anEmptyProfileHasNoShares() {
    ProfileSummary s = ProfileSummary.of(List.of());
    assertThat(s.samples()).isZero();
    assertThat(s.shares().getDouble("kernel")).isZero();
    assertThat(s.topVpush(5).size()).isZero();
  }
}

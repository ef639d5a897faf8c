package io.vpush.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class HeapReturnTest {

  @Test
  void setsTheFreeHeapBoundsThatTheCommandLineLeftAtTheirDefaults() {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    String minBefore = vm.getVMOption("MinHeapFreeRatio").getValue();
    String maxBefore = vm.getVMOption("MaxHeapFreeRatio").getValue();
    try {
      var applied = HeapReturn.apply();
      assertThat(applied).contains("MinHeapFreeRatio=10", "MaxHeapFreeRatio=20");
      assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo("20");
      // Applied once, the options are no longer at their defaults: a second call (or an operator's flag) is left be.
      assertThat(HeapReturn.apply()).isEmpty();
    } finally {
      vm.setVMOption("MinHeapFreeRatio", "0");
      vm.setVMOption("MaxHeapFreeRatio", maxBefore);
      vm.setVMOption("MinHeapFreeRatio", minBefore);
    }
  }
}
